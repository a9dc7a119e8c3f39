package dev.ferry.console;

/**
 * A request the console cannot carry out, with the HTTP status that says why and a message that says what
 * to do: it reaches the client as JSON.
 */
public final class ConsoleProblem extends RuntimeException {

    private final int status;

    public ConsoleProblem(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    static ConsoleProblem badRequest(String message) {
        return new ConsoleProblem(400, message);
    }

    static ConsoleProblem notFound(String message) {
        return new ConsoleProblem(404, message);
    }

    static ConsoleProblem conflict(String message) {
        return new ConsoleProblem(409, message);
    }
}
