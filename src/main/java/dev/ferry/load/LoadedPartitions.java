package dev.ferry.load;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Optional;

/**
 * Which published partitions (by their manifest's SHA-256) an append has loaded into which table, kept in the
 * warehouse and written in the load's own transaction: the record commits exactly when the rows do. So a
 * commit whose acknowledgement was lost, or a crash after the commit and before JBeret recorded the step,
 * is found on the retry or restart, which then loads nothing instead of the partition a second time.
 */
final class LoadedPartitions {

    /** An earlier load of the same partition into the same table. */
    record Loaded(String flow, String mydate, long jobInstance, long execution, long rows, Instant at) {
        @Override
        public String toString() {
            return "by flow " + flow + " (mydate " + mydate + ", execution " + execution + ") at " + at;
        }
    }

    /** The advisory lock around the table's creation, so that nodes starting their first append at once do not collide. */
    private static final long CREATE_LOCK = 0x46525259_4C4F4144L; // "FRRYLOAD"

    private final String table;

    /** @param table where the records are kept, {@code table} or {@code schema.table} */
    LoadedPartitions(String table) {
        this.table = Identifiers.table(table);
    }

    String table() {
        return table;
    }

    /**
     * Within the load's transaction: waits for any other load of the same partition into the same target, then
     * returns the earlier load, if there was one. The table is made here the first time.
     */
    Optional<Loaded> lockAndFind(Connection connection, String target, String sha256) throws SQLException {
        boolean exists;
        try (PreparedStatement q = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            q.setString(1, table);
            try (ResultSet rs = q.executeQuery()) {
                exists = rs.next() && rs.getBoolean(1);
            }
        }
        // The lock lasts until the load commits: taken only to make the table, so appends to other tables do not wait on it.
        try (Statement s = connection.createStatement()) {
            if (exists) {
                return find(connection, target, sha256);
            }
            s.execute("SELECT pg_advisory_xact_lock(" + CREATE_LOCK + ")");
            s.execute("CREATE TABLE IF NOT EXISTS " + table + " (target_oid oid NOT NULL, target text NOT NULL, manifest text NOT NULL,"
                    + " manifest_sha256 char(64) NOT NULL, rows bigint NOT NULL, flow text, mydate text, run_instance bigint,"
                    + " execution bigint, loaded_at timestamptz NOT NULL DEFAULT now())");
        }
        return find(connection, target, sha256);
    }

    private Optional<Loaded> find(Connection connection, String target, String sha256) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(to_regclass(?)::oid::int, hashtext(?))")) {
            lock.setString(1, target);
            lock.setString(2, sha256);
            lock.execute();
        }
        try (PreparedStatement find = connection.prepareStatement("SELECT flow, mydate, run_instance, execution, rows, loaded_at FROM "
                + table + " WHERE target_oid = to_regclass(?)::oid AND manifest_sha256 = ? ORDER BY loaded_at DESC LIMIT 1")) {
            find.setString(1, target);
            find.setString(2, sha256);
            try (ResultSet rs = find.executeQuery()) {
                return rs.next() ? Optional.of(new Loaded(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                        rs.getTimestamp(6).toInstant())) : Optional.empty();
            }
        }
    }

    /** Records, in the load's transaction, that the partition went into {@code target}. */
    void record(Connection connection, String target, String manifest, String sha256, long rows, Loader.Request request) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " (target_oid, target, manifest,"
                + " manifest_sha256, rows, flow, mydate, run_instance, execution) VALUES (to_regclass(?)::oid, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, target);
            insert.setString(2, target);
            insert.setString(3, manifest);
            insert.setString(4, sha256);
            insert.setLong(5, rows);
            insert.setString(6, request.flow());
            insert.setString(7, request.mydate());
            insert.setLong(8, request.run().jobInstance());
            insert.setLong(9, request.run().execution());
            insert.executeUpdate();
        }
    }
}
