package dev.ferry.recovery;

import dev.ferry.history.JBeretTables;
import dev.ferry.partition.Manifest;
import dev.ferry.partition.ManifestFile;
import dev.ferry.partition.Partition;
import dev.ferry.steplog.StepLogs;
import dev.ferry.store.ObjectStore;
import dev.ferry.store.StoredObject;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Removes what is older than a cut-off: ended executions from the job repository (with their steps,
 * owners, processes and step logs), and, when asked, staged partitions whose manifest was written before it. Claims
 * are kept: they are what stops an old date from running twice.
 */
public final class HistoryPurge {

    private final DataSource repository;

    public HistoryPurge(DataSource repository) {
        this.repository = repository;
    }

    /** @return the number of executions removed */
    public int executionsEndedBefore(Instant cutoff) throws SQLException {
        List<Long> removed = new JBeretTables(repository).deleteEndedBefore(cutoff);
        ExecutionOwners.forget(repository, removed, cutoff);
        StepLogs.purge(repository, removed);
        return removed.size();
    }

    /**
     * A partition purged: its manifest and the files it listed were deleted; {@code left} are the other objects
     * in its folder and below it (not Ferry's, or other partitions nested under a {@code target} without a date).
     */
    public record Purged(String prefix, int files, List<String> left) {
    }

    /**
     * Deletes every partition in the store whose manifest was written before {@code cutoff}: the manifest first,
     * so that no load trusts a partition half deleted, then exactly the files it lists. Nothing else in its
     * folder is touched, nor any folder nested in it.
     */
    public static List<Purged> partitionsPublishedBefore(ObjectStore store, Instant cutoff) throws IOException {
        List<Purged> removed = new ArrayList<>();
        for (StoredObject object : store.list("")) {
            if (!object.key().endsWith("/" + Partition.MANIFEST)) {
                continue;
            }
            Partition partition = new Partition(store, object.key().substring(0, object.key().length() - Partition.MANIFEST.length()));
            Optional<Manifest> manifest = partition.readManifest();
            if (manifest.isPresent() && manifest.get().finishedAt().isBefore(cutoff)) {
                partition.deleteManifest();
                for (ManifestFile file : manifest.get().files()) {
                    store.delete(partition.key(file.name()));
                }
                List<String> left = store.list(partition.prefix()).stream()
                        .map(o -> o.key().substring(partition.prefix().length())).toList();
                removed.add(new Purged(partition.prefix(), manifest.get().files().size(), left));
            }
        }
        return removed;
    }
}
