package dev.ferry.console;

import dev.ferry.history.ExecutionSummary;
import java.time.Instant;
import java.util.List;

/**
 * A flow: its current version, its schedule with the next runs, its newest execution (null if none), and
 * {@code problem}: why it cannot be started now (not found, or what {@code validate} reports), null when it can.
 * A scheduled flow with a problem is not served; the other flows keep their schedules. {@code paused}: who paused its
 * schedule and when (null when it runs); {@code waiting}: its dates that wait for their upstreams.
 */
public record FlowView(String name, String version, ScheduleView schedule, ExecutionSummary last, String problem, Paused paused,
                       List<WaitingDate> waiting) {

    /** A paused schedule: who paused it ({@code console:olga}, {@code cli:ops@etl-01}) and when. */
    public record Paused(String by, Instant at) {
    }

    /** A business date that waits, since when, for which upstreams ({@code ferry.flow.FLOW.after}). */
    public record WaitingDate(String mydate, Instant since, List<String> upstreams) {
    }

    /** When the flow runs: cron, zone, misfire policy, and the next fire times with the business date each loads. */
    public record ScheduleView(String cron, String zone, String misfire, List<NextRun> next) {
    }

    /** A fire time (ISO-8601 with offset) and the T+1 business date it runs for. */
    public record NextRun(String at, String mydate) {
    }
}
