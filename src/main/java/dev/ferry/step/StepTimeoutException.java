package dev.ferry.step;

/** A step ran longer than its {@code timeout}; its statement or COPY was cancelled. */
public class StepTimeoutException extends RuntimeException {
    public StepTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
