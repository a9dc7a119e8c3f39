package dev.ferry.console;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One execution as its page shows it: parameters (secrets masked), who started it (and whether forced),
 * which version of the flow ran, whether it completed having moved no rows ({@code empty}), the process that runs it (owner), steps with what they moved, the
 * error that ended it, and the actions that can be taken on it now ({@code stop}, {@code restart},
 * {@code abandon}).
 */
public record ExecutionDetail(long id, String flow, String mydate, String status, boolean empty, String exitStatus, Instant start,
                              Instant end, String startedBy, boolean forced, String version, String owner, Map<String, String> parameters, List<Step> steps, String error,
                              List<String> actions) {

    /** A step: rows, bytes and files for the steps that moved data (null while running or failed), and its error. */
    public record Step(String name, String status, String exitStatus, Long rows, Long bytes, Integer files, Instant start,
                       Instant end, String error) {
    }
}
