package dev.ferry.schedule;

import dev.ferry.variables.BusinessDate;
import dev.ferry.variables.Variables;
import jakarta.batch.operations.JobOperator;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * Exactly once per (flow, business date): whoever starts a run first claims the pair in a PostgreSQL table
 * with a unique constraint; a timer that fires twice for the same date, or a second node or scheduler,
 * finds the claim taken and does not start a second run.
 */
public final class Claims {

    public static final String TABLE = "ferry_claim";

    private final DataSource dataSource;

    public Claims(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void createTableIfAbsent() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (flow varchar(255) NOT NULL, mydate char(8) NOT NULL,"
                    + " claimed_at timestamptz NOT NULL DEFAULT now(), claimed_by varchar(255) NOT NULL,"
                    + " execution_id bigint, forced boolean NOT NULL DEFAULT false, CONSTRAINT " + TABLE + "_once UNIQUE (flow, mydate))");
            // Tables made by Ferry 0.1 before forced reruns were recorded.
            s.execute("ALTER TABLE " + TABLE + " ADD COLUMN IF NOT EXISTS forced boolean NOT NULL DEFAULT false");
        }
    }

    /** @return true when the caller now owns (flow, mydate) and should start the run; false when it was taken */
    public boolean claim(String flow, BusinessDate mydate, String claimedBy) throws SQLException {
        return claim(flow, mydate, claimedBy, false);
    }

    /**
     * Claims (flow, mydate); with {@code force} a deliberate rerun takes over an existing claim and is
     * recorded as forced.
     *
     * @return true when the caller now owns the pair and should start the run
     */
    public boolean claim(String flow, BusinessDate mydate, String claimedBy, boolean force) throws SQLException {
        String sql = "INSERT INTO " + TABLE + " (flow, mydate, claimed_by, forced) VALUES (?, ?, ?, ?) ON CONFLICT (flow, mydate) "
                + (force ? "DO UPDATE SET claimed_by = EXCLUDED.claimed_by, claimed_at = now(), forced = true, execution_id = NULL"
                         : "DO NOTHING");
        try (Connection c = dataSource.getConnection(); PreparedStatement insert = c.prepareStatement(sql)) {
            insert.setString(1, flow);
            insert.setString(2, mydate.toString());
            insert.setString(3, claimedBy);
            insert.setBoolean(4, force);
            return insert.executeUpdate() == 1;
        }
    }

    /**
     * Starts {@code jobXmlName} for (flow, mydate) unless the pair is claimed already.
     *
     * @return the execution id, or empty when another start owns the pair
     */
    public OptionalLong startOnce(JobOperator operator, String flow, String jobXmlName,
                                            BusinessDate mydate, Properties parameters, String claimedBy,
                                            boolean force) throws SQLException {
        if (!claim(flow, mydate, claimedBy, force)) {
            return OptionalLong.empty();
        }
        Properties all = new Properties();
        all.putAll(parameters);
        all.setProperty(Variables.MYDATE, mydate.toString());
        long id = operator.start(jobXmlName, all);
        attach(flow, mydate, id);
        return OptionalLong.of(id);
    }

    /** Records which execution a claim started. */
    public void attach(String flow, BusinessDate mydate, long executionId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement update = c.prepareStatement(
                "UPDATE " + TABLE + " SET execution_id = ? WHERE flow = ? AND mydate = ?")) {
            update.setLong(1, executionId);
            update.setString(2, flow);
            update.setString(3, mydate.toString());
            update.executeUpdate();
        }
    }

    /**
     * Gives up a claim taken by {@code claimedBy} whose run could not be started: the earlier claim that a
     * forced start took over comes back, or the date is free again.
     */
    public void release(String flow, BusinessDate mydate, String claimedBy, Optional<Claim> previous) throws SQLException {
        String sql = previous.isPresent()
                ? "UPDATE " + TABLE + " SET claimed_by = ?, claimed_at = ?, forced = ?, execution_id = ?"
                  + " WHERE flow = ? AND mydate = ? AND claimed_by = ? AND execution_id IS NULL"
                : "DELETE FROM " + TABLE + " WHERE flow = ? AND mydate = ? AND claimed_by = ? AND execution_id IS NULL";
        try (Connection c = dataSource.getConnection(); PreparedStatement update = c.prepareStatement(sql)) {
            int i = 1;
            if (previous.isPresent()) {
                Claim p = previous.get();
                update.setString(i++, p.claimedBy());
                update.setTimestamp(i++, java.sql.Timestamp.from(p.claimedAt()));
                update.setBoolean(i++, p.forced());
                if (p.executionId() == null) {
                    update.setNull(i++, java.sql.Types.BIGINT);
                } else {
                    update.setLong(i++, p.executionId());
                }
            }
            update.setString(i++, flow);
            update.setString(i++, mydate.toString());
            update.setString(i, claimedBy);
            update.executeUpdate();
        }
    }

    /** A restart of {@code from} runs the date now: the claim that {@code from} held moves to {@code to}. */
    public void moveTo(String flow, BusinessDate mydate, long from, long to) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement update = c.prepareStatement(
                "UPDATE " + TABLE + " SET execution_id = ? WHERE flow = ? AND mydate = ? AND (execution_id = ? OR execution_id IS NULL)")) {
            update.setLong(1, to);
            update.setString(2, flow);
            update.setString(3, mydate.toString());
            update.setLong(4, from);
            update.executeUpdate();
        }
    }

    /** A claim: who took it, when, whether forced, and the execution it started (null until attached). */
    public record Claim(String claimedBy, java.time.Instant claimedAt, boolean forced, Long executionId) {
        @Override
        public String toString() {
            return claimedBy + (executionId == null ? "" : " (execution " + executionId + ")") + " at " + claimedAt
                    + (forced ? ", forced" : "");
        }
    }

    public Optional<Claim> find(String flow, BusinessDate mydate) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement query = c.prepareStatement(
                "SELECT claimed_by, claimed_at, forced, execution_id FROM " + TABLE + " WHERE flow = ? AND mydate = ?")) {
            query.setString(1, flow);
            query.setString(2, mydate.toString());
            try (ResultSet rs = query.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                long id = rs.getLong(4);
                return Optional.of(new Claim(rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getBoolean(3), rs.wasNull() ? null : id));
            }
        }
    }

    /** Who holds the claim on (flow, mydate), if anyone, e.g. {@code timer@host (execution 12) at ...}. */
    public Optional<String> holder(String flow, BusinessDate mydate) throws SQLException {
        return find(flow, mydate).map(Claim::toString);
    }
}
