package dev.ferry.run;

import dev.ferry.schedule.Schedule;
import dev.ferry.schedule.Scheduler;
import dev.ferry.variables.BusinessDate;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * How a scheduler starts a fire time's run, the same in {@code ferry serve} and in the server: once per (flow, date)
 * through {@link RunControl}; a caught-up (missed) date is awaited — the run this node started, or the one another
 * node claimed — so that missed dates run in order, oldest first, however many nodes schedule the flow.
 */
public final class ScheduledStarts implements Scheduler.Launcher {

    private final RunControl control;
    private final String owner;
    private final Consumer<String> say;

    /**
     * @param owner who starts, e.g. {@code timer@node-2}, the runs' started-by
     * @param say   where a start that failed is told (the console, the server's log)
     */
    public ScheduledStarts(RunControl control, String owner, Consumer<String> say) {
        this.control = control;
        this.owner = owner;
        this.say = say;
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

    /** Who holds the date's claim, for messages. */
    public String holder(String flow, BusinessDate mydate) {
        return control.claim(flow, mydate).map(Object::toString).orElse("nobody");
    }
}
