package dev.ferry.notify;

import java.time.Instant;

/** What a failure webhook receives, as JSON: where a run failed and why. */
public record FailureNotice(String flow, String step, long executionId, String mydate, String error, Instant failedAt) {
}
