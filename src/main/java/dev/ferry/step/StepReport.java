package dev.ferry.step;

import java.io.Serializable;
import java.time.Duration;
import java.util.Locale;

/**
 * What a completed step did, kept as the step's persistent user data so that {@code ferry executions}
 * and the console can show it after the process is gone.
 */
public record StepReport(long rows, long bytes, int files, long millis) implements Serializable {

    /** Rows, bytes and rates for a step that moved data; rows and time for one that ran SQL. */
    public String summary() {
        if (bytes == 0 && files == 0) {
            return String.format(Locale.ROOT, "%,d row(s) changed in %.1f s", rows, millis / 1000.0);
        }
        return Progress.describe(rows, bytes, Duration.ofMillis(millis)) + ", " + files + " file(s)";
    }
}
