package dev.ferry.partition;

import java.io.IOException;

/**
 * One attempt of a step that writes a partition. An attempt given up because its time ran out cannot be stopped
 * (its thread may be stuck in a store call that nothing interrupts); once abandoned it commits no further file
 * and publishes nothing, whatever its thread does when its call returns. The same holds for an attempt whose run no
 * longer holds its business date (a node that stalled past stale-after, whose run another node took over): its
 * {@link Holding} refuses, so it cannot overwrite the files or the manifest of the run that took over.
 */
public final class Attempt {

    /** For a write that is no step's attempt (a try-run's sample): never abandoned. */
    public static final Attempt ONLY = new Attempt(1);

    /** Whether the attempt's run still holds what it writes for. */
    @FunctionalInterface
    public interface Holding {
        /** @throws IOException naming {@code what} is not done, when the run no longer holds its date */
        void ensure(String what) throws IOException;
    }

    private final int number;
    private final Holding holding;
    private volatile boolean abandoned;

    public Attempt(int number) {
        this(number, what -> { });
    }

    public Attempt(int number, Holding holding) {
        this.number = number;
        this.holding = holding;
    }

    /** Gives the attempt up: from now on {@link #ensureCurrent} refuses. */
    public void abandon() {
        abandoned = true;
    }

    /** @throws IOException naming {@code what} when the attempt was given up */
    public void ensureCurrent(String what) throws IOException {
        if (abandoned) {
            throw new IOException("attempt " + number + " was given up (its timeout ran out): not " + what);
        }
        holding.ensure(what);
    }
}
