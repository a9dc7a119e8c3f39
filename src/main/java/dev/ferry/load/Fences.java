package dev.ferry.load;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.OptionalLong;

/**
 * Fencing of a load against a run that took its date over: a stalled run (a GC pause, a network partition, a
 * process stopped and continued) whose date was rerun by force or restarted elsewhere in the meantime must not
 * commit its rows over the newer run's. Just before the load commits, inside its transaction, the run's claim is
 * read again from the job repository (its fencing token must be the one the step began with), and the warehouse's
 * own record of the highest token loaded for the date ({@code ferry_fence}) must not be higher than this run's:
 * the record is written in the same transaction, so of two runs the newer one's commit always wins.
 */
final class Fences {

    /** The advisory lock around the table's creation (on first use), so that loads at once do not collide: "FRRYFNCE". */
    private static final long CREATE_LOCK = 0x46525259_464E4345L;
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(Fences.class.getName());

    private Fences() {
    }

    /** Refuses, inside the load's transaction, a run that no longer holds its date; records this run's token. */
    static void check(Connection connection, Loader.Request request) throws SQLException {
        Loader.Run run = request.run();
        if (run == null || run.fence() == null || request.mydate() == null) {
            return;
        }
        OptionalLong now = run.fence().holder().current();
        if (now.isEmpty() || now.getAsLong() != run.fence().token()) {
            throw takenOver(request, "the job repository shows the date's claim " + (now.isEmpty() ? "held by another execution"
                    : "at fencing token " + now.getAsLong()));
        }
        String table = table(run.loadedTable());
        java.sql.Savepoint before = connection.setSavepoint();
        try {
            record(connection, request, table);
            connection.releaseSavepoint(before);
        } catch (SQLException e) {
            if (!"42501".equals(e.getSQLState())) {
                throw e;
            }
            connection.rollback(before);
            LOG.warning(() -> "the warehouse user may not use " + table + " (" + e.getMessage().strip() + "): loads are fenced by the job"
                    + " repository only. Run once as the schema's owner: " + ddl(table) + "; GRANT SELECT, INSERT, UPDATE ON " + table
                    + " TO <the load's user>");
        }
    }

    /** The warehouse's record of the highest token loaded for the date: refuses a lower one, writes this run's. */
    private static void record(Connection connection, Loader.Request request, String table) throws SQLException {
        Loader.Run run = request.run();
        if (!exists(connection, table)) {
            try (Statement s = connection.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(" + CREATE_LOCK + ")");
                s.execute(ddl(table));
            }
        }
        try (PreparedStatement find = connection.prepareStatement("SELECT fence, execution FROM " + table + " WHERE flow = ? AND mydate = ?"
                + " FOR UPDATE")) {
            find.setString(1, request.flow());
            find.setString(2, request.mydate());
            try (ResultSet rs = find.executeQuery()) {
                if (rs.next() && rs.getLong(1) > run.fence().token()) {
                    throw takenOver(request, "execution " + rs.getLong(2) + " loaded it at fencing token " + rs.getLong(1));
                }
            }
        }
        // An update, else an insert, not INSERT ... ON CONFLICT: Greenplum 6 (PostgreSQL 9.4 inside) has no ON CONFLICT. The
        // row is locked above, and loads of one date are serialized by the date's lock, so the two cannot race.
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + table + " SET fence = ?, execution = ?, loaded_at = now()"
                + " WHERE flow = ? AND mydate = ?")) {
            update.setLong(1, run.fence().token());
            update.setLong(2, run.execution());
            update.setString(3, request.flow());
            update.setString(4, request.mydate());
            if (update.executeUpdate() == 0) {
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " (flow, mydate, fence, execution)"
                        + " VALUES (?, ?, ?, ?)")) {
                    insert.setString(1, request.flow());
                    insert.setString(2, request.mydate());
                    insert.setLong(3, run.fence().token());
                    insert.setLong(4, run.execution());
                    insert.executeUpdate();
                }
            }
        }
    }

    private static String ddl(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table + " (flow text NOT NULL, mydate text NOT NULL, fence bigint NOT NULL,"
                + " execution bigint NOT NULL, loaded_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (flow, mydate))";
    }

    /** {@code ferry_fence} beside the loaded-partitions table ({@code loadedTable}'s schema). */
    private static String table(String loadedTable) {
        int dot = loadedTable == null ? -1 : loadedTable.lastIndexOf('.');
        return dot < 0 ? "ferry_fence" : loadedTable.substring(0, dot) + ".ferry_fence";
    }

    private static boolean exists(Connection connection, String table) throws SQLException {
        try (PreparedStatement q = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            q.setString(1, table);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static LoadRefusedException takenOver(Loader.Request request, String how) {
        return new LoadRefusedException("execution " + request.run().execution() + " no longer holds mydate " + request.mydate() + " of flow "
                + request.flow() + " (its fencing token is " + request.run().fence().token() + "; " + how + "): the date was taken over"
                + " while this run was held up — a forced rerun, or a restart after this run was taken for dead — so its rows are not"
                + " committed over the newer run's; rolled back, " + request.table() + " is unchanged");
    }
}
