package dev.ferry.partition;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The feeds of the partitions being extracted in this process, by job execution and prefix: an extract and
 * the load that follows it run in one job execution (a JSR-352 split), so in one process. Whichever of the
 * two asks first creates the feed; the load forgets it when it is done, and a feed nobody followed is
 * forgotten a day after it was made.
 */
public final class PartitionFeeds {

    private static final Duration KEPT = Duration.ofDays(1);

    private record Key(long executionId, String prefix) {
    }

    private record Entry(PartitionFeed feed, Instant made) {
    }

    private final Map<Key, Entry> feeds = new ConcurrentHashMap<>();
    private final Clock clock;

    public PartitionFeeds(Clock clock) {
        this.clock = clock;
    }

    public PartitionFeed feed(long executionId, String prefix) {
        Instant now = clock.instant();
        feeds.values().removeIf(e -> e.made().plus(KEPT).isBefore(now));
        return feeds.computeIfAbsent(new Key(executionId, normalized(prefix)), k -> new Entry(new PartitionFeed(), now)).feed();
    }

    public void forget(long executionId, String prefix) {
        feeds.remove(new Key(executionId, normalized(prefix)));
    }

    private static String normalized(String prefix) {
        return prefix.endsWith("/") ? prefix : prefix + "/";
    }
}
