package dev.ferry.console;

import java.time.Instant;

/** An execution in a list or a grid cell: which flow and business date, how it went, when. */
public record ExecutionSummary(long id, String flow, String mydate, String status, String exitStatus, Instant start,
                               Instant end) {
}
