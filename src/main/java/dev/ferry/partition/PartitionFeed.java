package dev.ferry.partition;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What an extract in flight publishes, as it publishes it, for a load that follows it (overlap): each
 * attempt's start with the files' format, each data file once it is committed to the store, then the
 * manifest — or the failure. The load reads the files while the extract writes the next ones, and commits
 * only after the manifest. One feed per job execution and partition ({@link PartitionFeeds}).
 */
public final class PartitionFeed {

    /** Something the extract did. */
    public sealed interface Event permits Begun, FileCommitted, Published, Failed, Skipped {
    }

    /** An attempt starts (again, after a transient failure: what came before is void) writing files in {@code format}. */
    public record Begun(CsvFormat format) implements Event {
    }

    public record FileCommitted(ManifestFile file) implements Event {
    }

    public record Published(Manifest manifest) implements Event {
    }

    public record Failed(String reason) implements Event {
    }

    /** The extract was left out of this run ({@code ferry.steps}): the partition is the one published before. */
    public record Skipped() implements Event {
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

    public void begun(CsvFormat format) {
        events.add(new Begun(format));
    }

    public void committed(ManifestFile file) {
        events.add(new FileCommitted(file));
    }

    public void published(Manifest manifest) {
        events.add(new Published(manifest));
    }

    public void failed(String reason) {
        events.add(new Failed(reason));
    }

    public void skipped() {
        events.add(new Skipped());
    }

    /** The next event, waiting at most {@code wait}. */
    public Optional<Event> next(Duration wait) throws InterruptedException {
        return Optional.ofNullable(events.poll(wait.toMillis(), TimeUnit.MILLISECONDS));
    }
}
