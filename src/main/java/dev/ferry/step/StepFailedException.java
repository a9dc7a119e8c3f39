package dev.ferry.step;

/** A Ferry step failed; the message says where (flow, step, property or statement) and what to do. */
public class StepFailedException extends RuntimeException {

    public StepFailedException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The message shortened to fit a JSR-352 exit status column. */
    public String exitStatus() {
        String status = "FAILED: " + getMessage();
        return status.length() > 500 ? status.substring(0, 497) + "..." : status;
    }
}
