package dev.ferry.testing;

import java.time.Duration;
import java.util.function.Predicate;

/** Waits for a condition that a test cannot be told about, checking it every 100 ms: one helper instead of sleep loops. */
public final class Await {

    private Await() {
    }

    /** A check that may read a database, a file or a server. */
    @FunctionalInterface
    public interface Reading<T> {
        T read() throws Exception;
    }

    /** Returns once {@code condition} holds; fails naming {@code what} when it has not within {@code within}. */
    public static void until(String what, Duration within, Reading<Boolean> condition) throws InterruptedException {
        until(what, within, condition, Boolean.TRUE::equals);
    }

    /** Returns the first value of {@code reading} that is {@code done}; fails naming {@code what} when none is within {@code within}. */
    public static <T> T until(String what, Duration within, Reading<T> reading, Predicate<T> done) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            T value;
            try {
                value = reading.read();
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(what + ": " + e.getMessage(), e);
            }
            if (done.test(value)) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + within.toSeconds() + " s (last seen: " + value + ")");
            }
            Thread.sleep(100);
        }
    }
}
