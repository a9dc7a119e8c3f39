package dev.ferry.step;

import java.time.Duration;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * Counts a step's rows and bytes and logs them with their rate, at most every {@code interval}, so that a
 * long extract or load shows it is alive without flooding the log.
 */
public final class Progress {

    private static final Logger LOG = Logger.getLogger(Progress.class.getName());

    private final String label;
    private final long intervalNanos;
    private final long startNanos = System.nanoTime();
    private long lastLogNanos = startNanos;
    private long rows;
    private long bytes;

    public Progress(String label, Duration interval) {
        this.label = label;
        this.intervalNanos = interval.toNanos();
    }

    /** Called by each stream of a parallel extract. */
    public synchronized void add(long moreRows, long moreBytes) {
        rows += moreRows;
        bytes += moreBytes;
        long now = System.nanoTime();
        if (now - lastLogNanos >= intervalNanos) {
            lastLogNanos = now;
            LOG.info(() -> label + ": " + summary());
        }
    }

    public synchronized long rows() {
        return rows;
    }

    public synchronized long bytes() {
        return bytes;
    }

    public Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** {@code 1,234,567 rows, 120.3 MB in 6.2 s (199,123 rows/s, 19.4 MB/s)} */
    public synchronized String summary() {
        return describe(rows, bytes, elapsed());
    }

    public static String describe(long rows, long bytes, Duration elapsed) {
        double seconds = Math.max(elapsed.toNanos() / 1e9, 1e-3);
        return String.format(Locale.ROOT, "%,d rows, %.1f MB in %.1f s (%,.0f rows/s, %.1f MB/s)",
                rows, bytes / 1e6, seconds, rows / seconds, bytes / 1e6 / seconds);
    }
}
