package dev.ferry.recovery;

import dev.ferry.partition.Manifest;
import dev.ferry.partition.Partition;
import dev.ferry.store.ObjectStore;
import dev.ferry.store.StoredObject;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Removes what is older than a cut-off: ended executions from the job repository (with their steps,
 * owners and processes), and, when asked, staged partitions whose manifest was written before it. Claims
 * are kept: they are what stops an old date from running twice.
 */
public final class HistoryPurge {

    private final DataSource repository;

    public HistoryPurge(DataSource repository) {
        this.repository = repository;
    }

    /** @return the number of executions removed */
    public int executionsEndedBefore(Instant cutoff) throws SQLException {
        Timestamp before = Timestamp.from(cutoff);
        try (Connection c = repository.getConnection()) {
            c.setAutoCommit(false);
            try {
                int removed;
                // Steps and partitions go with their execution (ON DELETE CASCADE in JBeret's schema).
                try (PreparedStatement executions = c.prepareStatement("DELETE FROM job_execution WHERE endtime < ?"
                        + " AND batchstatus NOT IN ('STARTING', 'STARTED', 'STOPPING')")) {
                    executions.setTimestamp(1, before);
                    removed = executions.executeUpdate();
                }
                try (PreparedStatement s = c.prepareStatement("DELETE FROM job_instance i WHERE NOT EXISTS"
                        + " (SELECT 1 FROM job_execution e WHERE e.jobinstanceid = i.jobinstanceid)")) {
                    s.executeUpdate();
                }
                try (PreparedStatement s = c.prepareStatement("DELETE FROM ferry_execution_owner x WHERE NOT EXISTS"
                        + " (SELECT 1 FROM job_execution e WHERE e.jobexecutionid = x.execution_id)")) {
                    s.executeUpdate();
                }
                try (PreparedStatement s = c.prepareStatement("DELETE FROM ferry_owner o WHERE heartbeat < ? AND NOT EXISTS"
                        + " (SELECT 1 FROM ferry_execution_owner x WHERE x.owner_id = o.owner_id)")) {
                    s.setTimestamp(1, before);
                    s.executeUpdate();
                }
                c.commit();
                return removed;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * Deletes every partition in the store whose manifest was written before {@code cutoff}: the manifest
     * first, so that no load trusts a partition half deleted.
     *
     * @return the prefixes removed
     */
    public static List<String> partitionsPublishedBefore(ObjectStore store, Instant cutoff) throws IOException {
        List<String> removed = new java.util.ArrayList<>();
        for (StoredObject object : store.list("")) {
            if (!object.key().endsWith("/" + Partition.MANIFEST)) {
                continue;
            }
            Partition partition = new Partition(store, object.key().substring(0, object.key().length() - Partition.MANIFEST.length()));
            Optional<Manifest> manifest = partition.readManifest();
            if (manifest.isPresent() && manifest.get().finishedAt().isBefore(cutoff)) {
                partition.deleteManifest();
                for (StoredObject file : store.list(partition.prefix())) {
                    store.delete(file.key());
                }
                removed.add(partition.prefix());
            }
        }
        return removed;
    }
}
