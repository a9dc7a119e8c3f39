package dev.ferry.metrics;

import dev.ferry.dependency.WaitingDates;
import dev.ferry.history.JBeretTables;
import dev.ferry.notify.Notices;
import dev.ferry.variables.BusinessDate;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Ferry's figures for Prometheus, read from the job repository at each scrape, so every node serves the same
 * cluster-wide values (scrape one node, or the load balancer). Labels are flows, steps, step kinds and outcomes
 * only: bounded by the flows configured, never an execution id or a date.
 */
public final class FlowMetrics {

    /** What the figures are read from. {@code zoneOf} gives a flow's zone, in which "yesterday" (T+1) is meant. */
    public record Sources(JBeretTables history, StepTotals totals, WaitingDates waiting, Notices notices, Collection<String> flows,
                          Function<String, ZoneId> zoneOf, Clock clock) {
    }

    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;
    private final Sources sources;

    public FlowMetrics(Sources sources) {
        this.sources = sources;
    }

    /** The figures in Prometheus's text exposition format (version 0.0.4). */
    public String text() throws SQLException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, snapshots(), EscapingScheme.UNDERSCORE_ESCAPING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    MetricSnapshots snapshots() throws SQLException {
        Map<String, Map<String, Long>> ended = sources.history().endedPerFlow();
        Map<String, Long> running = sources.history().runningPerFlow();
        Map<String, BusinessDate> lastCompleted = sources.history().lastCompletedPerFlow();
        Map<String, Long> waiting = new TreeMap<>();
        sources.waiting().of(null).forEach(w -> waiting.merge(w.flow(), 1L, Long::sum));
        Map<String, Long> late = new TreeMap<>();
        sources.notices().lateNow().forEach(key -> late.merge(key.substring(0, key.lastIndexOf('/')), 1L, Long::sum));
        Set<String> flows = new TreeSet<>(sources.flows());
        flows.addAll(ended.keySet());
        flows.addAll(running.keySet());

        CounterSnapshot.Builder runs = CounterSnapshot.builder().name("ferry_runs")
                .help("Runs (job executions) ended, by flow and outcome: completed, failed, stopped, abandoned (an abandoned run leaves"
                        + " failed or stopped for abandoned)");
        ended.forEach((flow, outcomes) -> outcomes.forEach((outcome, count) -> runs.dataPoint(CounterDataPointSnapshot.builder()
                .labels(Labels.of("flow", flow, "outcome", outcome)).value(count).build())));
        GaugeSnapshot.Builder runningNow = gauge("ferry_runs_running", "Runs starting, running or stopping now");
        GaugeSnapshot.Builder waitingNow = gauge("ferry_runs_waiting", "Business dates waiting for their upstream flows now (ferry.flow.FLOW.after)");
        GaugeSnapshot.Builder lateNow = gauge("ferry_late_dates", "Business dates past their deadline (ferry.flow.FLOW.deadline) and not completed");
        for (String flow : flows) {
            runningNow.dataPoint(point(flow, running.getOrDefault(flow, 0L)));
            waitingNow.dataPoint(point(flow, waiting.getOrDefault(flow, 0L)));
            lateNow.dataPoint(point(flow, late.getOrDefault(flow, 0L)));
        }
        GaugeSnapshot.Builder lastDate = gauge("ferry_last_completed_business_date",
                "The newest business date the flow has completed, as the number yyyyMMdd");
        GaugeSnapshot.Builder behind = gauge("ferry_days_behind",
                "Days between the date a run today loads (yesterday, T+1, in the flow's zone) and the newest completed one; 0 when up to date");
        lastCompleted.forEach((flow, date) -> {
            lastDate.dataPoint(point(flow, Long.parseLong(date.toString())));
            ZoneId zone = sources.zoneOf().apply(flow);
            BusinessDate due = BusinessDate.forRunAt(ZonedDateTime.now(sources.clock().withZone(zone)), zone);
            behind.dataPoint(point(flow, Math.max(0, ChronoUnit.DAYS.between(date.date(), due.date()))));
        });

        CounterSnapshot.Builder rows = CounterSnapshot.builder().name("ferry_step_rows")
                .help("Rows moved by completed steps: extracted to the store, loaded into the warehouse, changed by SQL scripts");
        CounterSnapshot.Builder bytes = CounterSnapshot.builder().name("ferry_step_bytes").help("Bytes of files written or read by completed steps");
        SummarySnapshot.Builder duration = SummarySnapshot.builder().name("ferry_step_duration_seconds")
                .help("Time steps took, by outcome (completed or failed); _count is the number of steps ended");
        for (StepTotals.Total total : sources.totals().all()) {
            Labels step = Labels.of("flow", total.flow(), "kind", total.kind(), "step", total.step());
            if (total.outcome().equals("completed")) {
                rows.dataPoint(CounterDataPointSnapshot.builder().labels(step).value(total.rows()).build());
                bytes.dataPoint(CounterDataPointSnapshot.builder().labels(step).value(total.bytes()).build());
            }
            duration.dataPoint(SummaryDataPointSnapshot.builder().labels(step.add("outcome", total.outcome()))
                    .count(total.steps()).sum(total.seconds()).build());
        }
        return MetricSnapshots.of(runs.build(), runningNow.build(), waitingNow.build(), lateNow.build(), lastDate.build(), behind.build(),
                rows.build(), bytes.build(), duration.build());
    }

    private static GaugeSnapshot.Builder gauge(String name, String help) {
        return GaugeSnapshot.builder().name(name).help(help);
    }

    private static GaugeDataPointSnapshot point(String flow, double value) {
        return GaugeDataPointSnapshot.builder().labels(Labels.of("flow", flow)).value(value).build();
    }
}
