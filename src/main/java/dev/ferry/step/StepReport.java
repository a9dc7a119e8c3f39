package dev.ferry.step;

import java.io.Serializable;

/**
 * What a completed step did, kept as the step's persistent user data so that {@code ferry executions}
 * and the console can show it after the process is gone.
 */
public record StepReport(long rows, long bytes, int files, long millis) implements Serializable {

    public String summary() {
        return Progress.describe(rows, bytes, java.time.Duration.ofMillis(millis)) + (files > 0 ? ", " + files + " file(s)" : "");
    }
}
