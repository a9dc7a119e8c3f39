package dev.ferry.schedule;

import dev.ferry.variables.BusinessDate;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Decides which runs are due: on each {@link #tick()} it takes every fire time since a flow's watermark,
 * runs those on time, applies the flow's misfire policy to those missed (older than the grace period,
 * e.g. while no scheduler ran), and moves the watermark. Starting a run is the launcher's job, which
 * claims (flow, business date), so schedulers side by side start each date once. A paused flow
 * ({@link Pauses}) is passed over and keeps its watermark: on resume, what it missed meets its misfire policy.
 */
public final class Scheduler {

    private static final Logger LOG = Logger.getLogger(Scheduler.class.getName());

    /**
     * Starts a flow for a business date once; empty when the date was claimed already. A launcher may wait
     * for a {@code missed} run to end, so that caught-up dates run one after the other, oldest first.
     */
    @FunctionalInterface
    public interface Launcher {
        OptionalLong launch(Schedule schedule, BusinessDate mydate, boolean missed);

        /** At each tick of {@link #serve}: looks again at the dates of these schedules that wait for their upstreams. */
        default void recheck(Collection<Schedule> schedules) {
        }
    }

    /** One fire time handled by a tick. */
    public record Fired(String flow, ZonedDateTime fireTime, BusinessDate mydate, boolean missed, OptionalLong executionId) {
    }

    /** The longest wait between two ticks of {@link #serve}. */
    static final Duration MAX_WAIT = Duration.ofMinutes(1);

    private final List<Schedule> schedules;
    private final Watermarks watermarks;
    private final Pauses pauses;
    private final Launcher launcher;
    private final Clock clock;
    private final Duration grace;

    public Scheduler(Collection<Schedule> schedules, Watermarks watermarks, Pauses pauses, Launcher launcher, Clock clock,
                     Duration grace) {
        this.schedules = List.copyOf(schedules);
        this.watermarks = watermarks;
        this.pauses = pauses;
        this.launcher = launcher;
        this.clock = clock;
        this.grace = grace;
    }

    /** Handles every schedule up to now; returns the fire times it acted on, oldest first per flow. */
    public List<Fired> tick() throws SQLException {
        Instant now = clock.instant();
        List<Fired> fired = new ArrayList<>();
        for (Schedule schedule : running()) {
            Optional<Instant> mark = watermarks.read(schedule.flow());
            if (mark.isEmpty()) {
                // First time this flow is scheduled: nothing before now was missed.
                watermarks.advance(schedule.flow(), now);
                continue;
            }
            List<ZonedDateTime> due = schedule.fireTimesBetween(mark.get(), now);
            List<ZonedDateTime> missed = due.stream().filter(t -> t.toInstant().plus(grace).isBefore(now)).toList();
            List<ZonedDateTime> onTime = due.subList(missed.size(), due.size());
            List<ZonedDateTime> run = new ArrayList<>(switch (schedule.misfire()) {
                case CATCH_UP -> missed;
                case LATEST -> missed.isEmpty() ? List.<ZonedDateTime>of() : List.of(missed.get(missed.size() - 1));
                case SKIP -> List.<ZonedDateTime>of();
            });
            if (run.size() < missed.size()) {
                LOG.info(() -> "flow " + schedule.flow() + ": " + (missed.size() - run.size()) + " missed fire time(s) not run ("
                        + schedule.misfire() + ")");
            }
            run.addAll(onTime);
            for (ZonedDateTime time : run) {
                BusinessDate mydate = schedule.businessDateFor(time);
                boolean late = missed.contains(time);
                OptionalLong id = launcher.launch(schedule, mydate, late);
                fired.add(new Fired(schedule.flow(), time, mydate, late, id));
            }
            watermarks.advance(schedule.flow(), now);
        }
        return fired;
    }

    /**
     * The first fire time not handled yet: the next one after each flow's watermark, not after the clock. A
     * tick that ran a little before a fire time (a sleep that ended early, a clock stepped back) leaves its
     * fire time due, so the next wait ends at it instead of jumping to the one after and missing it.
     */
    public Optional<ZonedDateTime> nextFire() throws SQLException {
        ZonedDateTime now = clock.instant().atZone(clock.getZone());
        List<ZonedDateTime> next = new ArrayList<>();
        for (Schedule schedule : running()) { // a paused flow's watermark stays behind: its fire times wait for the resume
            ZonedDateTime after = watermarks.read(schedule.flow()).map(mark -> mark.atZone(clock.getZone())).orElse(now);
            next.add(schedule.nextFireAfter(after));
        }
        return next.stream().min(Comparator.comparing(ZonedDateTime::toInstant));
    }

    /** The schedules not paused now. */
    private List<Schedule> running() throws SQLException {
        List<Schedule> running = new ArrayList<>();
        for (Schedule schedule : schedules) {
            if (pauses.of(schedule.flow()).isEmpty()) {
                running.add(schedule);
            }
        }
        return running;
    }

    /** Waits for a while; {@link #SYSTEM} sleeps on the machine's clock. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;

        /** Sleeps at least {@code duration}, rounded up to the millisecond (a sleep rounded down would end before the fire time). */
        Sleeper SYSTEM = duration -> {
            long nanos = Math.max(0, duration.toNanos());
            Thread.sleep((nanos + 999_999) / 1_000_000);
        };
    }

    /**
     * Ticks at every fire time until the thread is interrupted: each wait ends at {@link #nextFire()} (at most
     * {@code MAX_WAIT}, so a changed clock, a peer's watermark or a resume is seen within a minute). A tick that fails
     * goes to {@code failed} and the loop goes on.
     */
    public void serve(Sleeper sleeper, Consumer<Fired> fired, Consumer<Exception> failed) throws InterruptedException {
        while (!Thread.currentThread().isInterrupted()) {
            Duration wait = MAX_WAIT;
            try {
                tick().forEach(fired);
                launcher.recheck(running());
                Optional<ZonedDateTime> next = nextFire();
                if (next.isPresent()) {
                    Duration untilNext = Duration.between(clock.instant(), next.get().toInstant());
                    wait = untilNext.isNegative() ? Duration.ZERO : untilNext.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : untilNext;
                }
            } catch (SQLException | RuntimeException e) {
                failed.accept(e);
            }
            sleeper.sleep(wait);
        }
    }
}
