package dev.ferry.console;

import dev.ferry.history.JBeretTables;
import dev.ferry.history.ExecutionSummary;

import java.util.List;
import java.util.Map;

/**
 * Business dates (newest first) × flows: a cell per (flow, date) that has run, its newest execution; and
 * for the {@code expanded} flow, every step's status per date. {@code older} and {@code newer} are the
 * {@code to} of the neighbouring pages ({@code newer} is null on the newest page). {@code late}: the page's
 * {@code flow/yyyyMMdd} past their deadline and not COMPLETED ({@code ferry.flow.FLOW.deadline}). {@code progress}: for each
 * running cell ({@code flow/yyyyMMdd}), its run's newest log line, e.g. {@code load: f/load 20240101: 1,234,567 rows, ...}.
 */
public record Grid(List<String> dates, List<String> flows, List<ExecutionSummary> cells, String expanded,
                   List<JBeretTables.StepStatus> steps, String older, String newer, List<String> late, List<WaitingCell> waiting,
                   Map<String, String> progress) {

    /** A (flow, date) of the page that waits for its upstreams, which have not COMPLETED the date. */
    public record WaitingCell(String flow, String mydate, List<String> upstreams) {
    }
}
