package dev.ferry.step;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What a completed step did, kept as the step's persistent user data so that {@code ferry executions}
 * and the console can show it after the process is gone. {@code kind} is the batchlet ({@code extract},
 * {@code load}, {@code sql}): only a load's rows reached the warehouse. (A report kept before kinds were
 * recorded reads back with a null kind.)
 */
public record StepReport(long rows, long bytes, int files, long millis, String kind) implements Serializable {

    public static final String EXTRACT = "extract";
    public static final String LOAD = "load";
    public static final String SQL = "sql";

    /**
     * Whether a completed run moved no rows: it has steps that moved files (extracts and loads, not SQL
     * scripts) and every one of them moved 0 rows. Such a run closed its date with nothing in it.
     */
    public static boolean emptyRun(List<StepReport> reports) {
        List<StepReport> moving = reports.stream().filter(r -> r.files() > 0).toList();
        return !moving.isEmpty() && moving.stream().allMatch(r -> r.rows() == 0);
    }

    /** Rows, bytes and rates for a step that moved data; rows and time for one that ran SQL. */
    public String summary() {
        if (bytes == 0 && files == 0) {
            return String.format(Locale.ROOT, "%,d row(s) changed in %.1f s", rows, millis / 1000.0);
        }
        return Progress.describe(rows, bytes, Duration.ofMillis(millis)) + ", " + files + " file(s)";
    }
}
