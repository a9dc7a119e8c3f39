package dev.ferry.console;

import dev.ferry.history.JBeretTables;
import dev.ferry.history.ExecutionSummary;

import java.util.List;

/**
 * Business dates (newest first) × flows: a cell per (flow, date) that has run, its newest execution; and
 * for the {@code expanded} flow, every step's status per date. {@code older} and {@code newer} are the
 * {@code to} of the neighbouring pages ({@code newer} is null on the newest page).
 */
public record Grid(List<String> dates, List<String> flows, List<ExecutionSummary> cells, String expanded,
                   List<JBeretTables.StepStatus> steps, String older, String newer) {
}
