package dev.ferry.history;

import java.time.Instant;
import java.util.List;

/**
 * An execution in a list or a grid cell: which flow and business date, how it went, when, and what each of
 * its steps moved ({@code moved}: the steps that completed with a report, in the order they ran).
 * {@code empty} is a completed run whose extracts and loads all moved 0 rows.
 */
public record ExecutionSummary(long id, String flow, String mydate, String status, String exitStatus, Instant start,
                               Instant end, boolean empty, List<StepMoved> moved) {

    /** Rows a completed step moved (extract, load) or changed (sql); {@code kind} says which (null in old history). */
    public record StepMoved(String step, long rows, String kind) {
    }
}
