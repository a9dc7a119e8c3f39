package dev.ferry.console;

import dev.ferry.steplog.StepLogs;
import java.util.List;

/**
 * Log lines of an execution's steps, oldest first. Poll with {@code after=last} while {@code running}; {@code more} says
 * that lines were left out by the limit (ask again with {@code after=last} at once).
 */
public record ExecutionLog(long execution, String status, boolean running, long last, boolean more, List<StepLogs.Line> lines) {
}
