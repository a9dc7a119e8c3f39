package dev.ferry.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/** A clock that stands still until a test moves it: time-dependent behaviour without sleeping. */
public final class FakeClock extends Clock {

    private Instant now;
    private final ZoneId zone;
    private Duration perReading = Duration.ZERO;

    public FakeClock(Instant now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    public void set(Instant instant) {
        now = instant;
    }

    /** From now on each reading moves the clock on by {@code step} first, as the time a caller's work takes. */
    public void moveOnEachReading(Duration step) {
        perReading = step;
    }

    public void advance(Duration duration) {
        now = now.plus(duration);
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId other) {
        return new FakeClock(now, other);
    }

    @Override
    public Instant instant() {
        now = now.plus(perReading);
        return now;
    }
}
