package dev.ferry.schedule;

import dev.ferry.variables.BusinessDate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
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
                    + " execution_id bigint, CONSTRAINT " + TABLE + "_once UNIQUE (flow, mydate))");
        }
    }

    /** @return true when the caller now owns (flow, mydate) and should start the run; false when it was taken */
    public boolean claim(String flow, BusinessDate mydate, String claimedBy) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement insert = c.prepareStatement(
                "INSERT INTO " + TABLE + " (flow, mydate, claimed_by) VALUES (?, ?, ?) ON CONFLICT (flow, mydate) DO NOTHING")) {
            insert.setString(1, flow);
            insert.setString(2, mydate.toString());
            insert.setString(3, claimedBy);
            return insert.executeUpdate() == 1;
        }
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

    /** Who holds the claim on (flow, mydate), if anyone, e.g. {@code timer@host (execution 12)}. */
    public Optional<String> holder(String flow, BusinessDate mydate) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement query = c.prepareStatement(
                "SELECT claimed_by, execution_id, claimed_at FROM " + TABLE + " WHERE flow = ? AND mydate = ?")) {
            query.setString(1, flow);
            query.setString(2, mydate.toString());
            try (ResultSet rs = query.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                long id = rs.getLong(2);
                return Optional.of(rs.getString(1) + (rs.wasNull() ? "" : " (execution " + id + ")") + " at " + rs.getTimestamp(3).toInstant());
            }
        }
    }
}
