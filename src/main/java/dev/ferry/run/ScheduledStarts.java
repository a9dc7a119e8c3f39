package dev.ferry.run;

import dev.ferry.dependency.WaitTimeout;
import dev.ferry.dependency.WaitingDates;
import dev.ferry.schedule.Schedule;
import dev.ferry.schedule.Scheduler;
import dev.ferry.variables.BusinessDate;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.Config;

/**
 * How a scheduler starts a fire time's run, the same in {@code ferry serve} and in the server: once per (flow, date)
 * through {@link RunControl}; a caught-up (missed) date is awaited — the run this node started, or the one another
 * node claimed — so that missed dates run in order, oldest first, however many nodes schedule the flow.
 */
public final class ScheduledStarts implements Scheduler.Launcher {

    private final RunControl control;
    private final String owner;
    private final Consumer<String> say;
    private final WaitingDates waiting;
    private final Config config;
    private final Clock clock;

    /**
     * @param owner   who starts, e.g. {@code timer@node-2}, the runs' started-by
     * @param say     where a start that failed is told (the console, the server's log)
     * @param waiting where fire times whose upstreams have not completed their date wait, for every node to see
     */
    public ScheduledStarts(RunControl control, String owner, Consumer<String> say, WaitingDates waiting, Config config, Clock clock) {
        this.control = control;
        this.owner = owner;
        this.say = say;
        this.waiting = waiting;
        this.config = config;
        this.clock = clock;
    }

    @Override
    public OptionalLong launch(Schedule schedule, BusinessDate mydate, boolean missed) {
        RunControl.Start start;
        try {
            start = control.startOnce(new RunControl.StartRequest(schedule.flow(), mydate, Map.of(), owner, false, false));
        } catch (RuntimeException e) {
            say.accept(schedule.flow() + " mydate " + mydate + ": not started: " + e.getMessage());
            return OptionalLong.empty();
        }
        if (start instanceof RunControl.Waiting upstreams) {
            try {
                waiting.waiting(schedule.flow(), mydate, clock.instant(), upstreams.upstreams());
                say.accept(upstreams + ": WAITING, " + WaitTimeout.of(config, schedule.flow(), mydate, clock.instant()).told());
            } catch (SQLException e) {
                say.accept(upstreams + ", and the wait cannot be recorded in the job repository: " + e.getMessage());
            }
            return OptionalLong.empty();
        }
        try {
            waiting.done(schedule.flow(), mydate); // it waited at an earlier fire time, perhaps
        } catch (SQLException e) {
            say.accept(schedule.flow() + " mydate " + mydate + ": cannot update its waiting date in the job repository: " + e.getMessage());
        }
        OptionalLong id = start instanceof RunControl.Started started ? OptionalLong.of(started.executionId()) : OptionalLong.empty();
        if (missed) {
            try {
                OptionalLong running = id.isPresent() ? id : control.claimedExecution(schedule.flow(), mydate, Duration.ofMinutes(1));
                if (running.isPresent()) {
                    control.await(running.getAsLong());
                } else {
                    say.accept(schedule.flow() + " mydate " + mydate + ": claimed by " + holder(schedule.flow(), mydate)
                            + " but never started; run it with ferry run --force");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return id;
    }

    /**
     * The dates of these schedules that wait: started once their upstreams have completed them, given up (and told)
     * after the flow's wait-timeout. No thread waits: this runs at each tick of the scheduler.
     */
    @Override
    public void recheck(Collection<Schedule> schedules) {
        for (Schedule schedule : schedules) {
            List<WaitingDates.Waiting> dates;
            try {
                dates = waiting.of(schedule.flow());
            } catch (SQLException e) {
                say.accept(schedule.flow() + ": cannot read its waiting dates from the job repository: " + e.getMessage());
                continue;
            }
            for (WaitingDates.Waiting date : dates) {
                recheck(schedule, date);
            }
        }
    }

    private void recheck(Schedule schedule, WaitingDates.Waiting date) {
        try {
            RunControl.Start start = control.startOnce(new RunControl.StartRequest(schedule.flow(), date.mydate(), Map.of(), owner, false,
                    false));
            if (start instanceof RunControl.Waiting still) {
                WaitTimeout.GiveUp giveUp = WaitTimeout.of(config, schedule.flow(), date.mydate(), date.since());
                if (giveUp.at().isBefore(clock.instant())) {
                    waiting.done(schedule.flow(), date.mydate());
                    say.accept(still + ": gave up after waiting since " + date.since() + ", " + giveUp.told()
                            + "; nothing was started for the date. Run it with ferry run once they have completed");
                } else {
                    waiting.waiting(schedule.flow(), date.mydate(), date.since(), still.upstreams());
                }
                return;
            }
            waiting.done(schedule.flow(), date.mydate());
            if (start instanceof RunControl.Started started) {
                say.accept("flow " + schedule.flow() + ", mydate " + date.mydate() + ": its upstreams completed it; started execution "
                        + started.executionId() + " after waiting since " + date.since());
            }
        } catch (SQLException | RuntimeException e) {
            say.accept("flow " + schedule.flow() + ", mydate " + date.mydate() + " (waiting): " + e.getMessage());
        }
    }

    /** Whether someone holds the date's claim. */
    public boolean claimed(String flow, BusinessDate mydate) {
        return control.claim(flow, mydate).isPresent();
    }

    /** Who holds the date's claim, for messages. */
    public String holder(String flow, BusinessDate mydate) {
        return control.claim(flow, mydate).map(Object::toString).orElse("nobody");
    }
}
