package dev.ferry.step;

/** How a step retries and times out, from the properties every step takes ({@link StepProperty#COMMON}). */
public record Attempts(long retries, long retryDelaySeconds, long timeoutSeconds) {

    public static Attempts read(PropertyValues values) {
        return new Attempts(values.whole("retries", 0), values.whole("retryDelay", 0), values.whole("timeout", 0));
    }
}
