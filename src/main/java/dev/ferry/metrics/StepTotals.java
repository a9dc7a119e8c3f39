package dev.ferry.metrics;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * What the steps of each flow have done since the repository was made, one row per (flow, step, outcome) in
 * {@code ferry_step_total}: steps ended, rows and bytes moved, seconds taken. Every node adds to the same rows, so
 * {@code /metrics} on any node gives the cluster's totals, and they survive restarts and {@code ferry purge}.
 * Runs' outcomes are JBeret's own records; what purge removes of them is added to {@code ferry_run_purged} first.
 */
public final class StepTotals {

    private static final Logger LOG = Logger.getLogger(StepTotals.class.getName());
    static final String TABLE = "ferry_step_total";
    public static final String PURGED_RUNS = "ferry_run_purged";

    /** One row: the totals of a step of a flow that ended {@code outcome} ({@code completed} or {@code failed}). */
    public record Total(String flow, String step, String kind, String outcome, long steps, long rows, long bytes, double seconds) {
    }

    private final DataSource repository;

    public StepTotals(DataSource repository) {
        this.repository = repository;
    }

    /** Called while the repository is set up ({@code Node.join}, one process at a time). */
    public void createTablesIfAbsent() throws SQLException {
        try (Connection c = repository.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (flow varchar(255) NOT NULL, step varchar(255) NOT NULL,"
                        + " outcome varchar(16) NOT NULL, kind varchar(16) NOT NULL, steps bigint NOT NULL, rows_moved bigint NOT NULL,"
                        + " bytes_moved bigint NOT NULL, seconds double precision NOT NULL, PRIMARY KEY (flow, step, outcome))");
                s.execute("CREATE TABLE IF NOT EXISTS " + PURGED_RUNS + " (flow varchar(255) NOT NULL, outcome varchar(16) NOT NULL,"
                        + " runs bigint NOT NULL, PRIMARY KEY (flow, outcome))");
        }
    }

    /** Adds one ended step; a failure to count is logged, never the step's failure. */
    public void add(String flow, String step, String kind, String outcome, long rows, long bytes, double seconds) {
        try (Connection c = repository.getConnection(); PreparedStatement upsert = c.prepareStatement("INSERT INTO " + TABLE
                + " (flow, step, outcome, kind, steps, rows_moved, bytes_moved, seconds) VALUES (?, ?, ?, ?, 1, ?, ?, ?)"
                + " ON CONFLICT (flow, step, outcome) DO UPDATE SET kind = excluded.kind, steps = " + TABLE + ".steps + 1,"
                + " rows_moved = " + TABLE + ".rows_moved + excluded.rows_moved, bytes_moved = " + TABLE + ".bytes_moved + excluded.bytes_moved,"
                + " seconds = " + TABLE + ".seconds + excluded.seconds")) {
            upsert.setString(1, flow);
            upsert.setString(2, step);
            upsert.setString(3, outcome);
            upsert.setString(4, kind);
            upsert.setLong(5, rows);
            upsert.setLong(6, bytes);
            upsert.setDouble(7, seconds);
            upsert.executeUpdate();
        } catch (SQLException e) {
            LOG.warning(() -> "flow " + flow + ", step " + step + ": not counted in the metrics: " + e.getMessage());
        }
    }

    public List<Total> all() throws SQLException {
        List<Total> totals = new ArrayList<>();
        try (Connection c = repository.getConnection(); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT flow, step, kind, outcome, steps, rows_moved, bytes_moved, seconds FROM " + TABLE
                     + " ORDER BY flow, step, outcome")) {
            while (rows.next()) {
                totals.add(new Total(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4), rows.getLong(5),
                        rows.getLong(6), rows.getLong(7), rows.getDouble(8)));
            }
        }
        return totals;
    }
}
