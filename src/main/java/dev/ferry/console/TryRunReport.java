package dev.ferry.console;

import java.util.List;

/** What a try-run did (final SQL, checks) line by line, and the problems it found: none means the flow should run. */
public record TryRunReport(String flow, String mydate, List<String> lines, List<String> problems) {
}
