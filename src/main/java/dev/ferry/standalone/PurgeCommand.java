package dev.ferry.standalone;

import dev.ferry.recovery.HistoryPurge;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "purge", mixinStandardHelpOptions = true, description = "Removes execution history (and, with --partitions, staged partitions) older than a cut-off.")
final class PurgeCommand implements Callable<Integer> {

    private static final Pattern DAYS = Pattern.compile("(\\d+)d");

    @ParentCommand
    FerryCommand ferry;

    @Option(names = "--older-than", required = true, paramLabel = "Nd", description = "Age in days, e.g. 90d.")
    String olderThan;

    @Option(names = "--partitions", description = "Also delete staged partitions whose manifest is older.")
    boolean partitions;

    @Override
    public Integer call() throws Exception {
        Matcher m = DAYS.matcher(olderThan);
        if (!m.matches()) {
            throw new IllegalArgumentException("--older-than '" + olderThan + "' is not a number of days such as 90d");
        }
        Instant cutoff = Instant.now().minus(Duration.ofDays(Long.parseLong(m.group(1))));
        try (StandaloneRuntime runtime = ferry.runtime()) {
            int executions = new HistoryPurge(runtime.repository()).executionsEndedBefore(cutoff);
            System.out.printf("removed %d execution(s) that ended before %s%n", executions, cutoff);
            System.out.printf("removed %d notice(s) recorded before then (those of the last two days are kept)%n",
                    runtime.notices().purgeRecordedBefore(cutoff));
            if (partitions) {
                var removed = HistoryPurge.partitionsPublishedBefore(runtime.store(), cutoff);
                for (HistoryPurge.Purged purged : removed) {
                    System.out.printf("removed partition %s: its manifest and %d file(s)%s%n", runtime.store().describe(purged.prefix()),
                            purged.files(), purged.left().isEmpty() ? "" : "; left " + purged.left().size() + " other object(s) there: "
                                    + String.join(", ", purged.left().stream().limit(10).toList()) + (purged.left().size() > 10 ? ", ..." : ""));
                }
                System.out.printf("removed %d partition(s)%n", removed.size());
            }
            return 0;
        }
    }
}
