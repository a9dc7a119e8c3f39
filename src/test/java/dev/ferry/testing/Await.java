package dev.ferry.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition that a test cannot be told about, checking it every 100 ms: one helper instead of sleep loops. */
public final class Await {

    private Await() {
    }

    /** Returns once {@code condition} holds; fails naming {@code what} when it has not within {@code within}. */
    public static void until(String what, Duration within, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + within.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }
}
