package dev.ferry.extract;

/** An extract whose result is not one to publish (too few rows): fails the step, is not retried. */
public final class ExtractRefusedException extends RuntimeException {

    public ExtractRefusedException(String message) {
        super(message);
    }
}
