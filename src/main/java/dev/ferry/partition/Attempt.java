package dev.ferry.partition;

import java.io.IOException;

/**
 * One attempt of a step that writes a partition. An attempt given up because its time ran out cannot be stopped
 * (its thread may be stuck in a store call that nothing interrupts); once abandoned it commits no further file
 * and publishes nothing, whatever its thread does when its call returns.
 */
public final class Attempt {

    /** For a write that is no step's attempt (a try-run's sample): never abandoned. */
    public static final Attempt ONLY = new Attempt(1);

    private final int number;
    private volatile boolean abandoned;

    public Attempt(int number) {
        this.number = number;
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
    }
}
