package dev.ferry.schedule;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * The flows whose schedules are paused ({@code ferry pause}, the console), kept in the job repository so that every
 * node and both runtimes obey them. A paused flow's scheduler starts nothing and leaves its watermark where it
 * was: on resume the fire times it passed are due again and its misfire policy decides which of them run.
 */
public final class Pauses {

    /** Who paused a flow, and when. */
    public record Pause(String flow, String by, Instant at) {
        @Override
        public String toString() {
            return "paused by " + by + " at " + at;
        }
    }

    static final String TABLE = "ferry_pause";

    private final DataSource repository;

    public Pauses(DataSource repository) {
        this.repository = repository;
    }

    public void createTableIfAbsent() throws SQLException {
        try (Connection c = repository.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (flow varchar(255) PRIMARY KEY, paused_by varchar(255) NOT NULL,"
                    + " paused_at timestamptz NOT NULL)");
        }
    }

    /** Pauses {@code flow}; a flow paused already keeps who paused it first, which is returned. */
    public Pause pause(String flow, String by, Instant now) throws SQLException {
        try (Connection c = repository.getConnection(); PreparedStatement insert = c.prepareStatement(
                "INSERT INTO " + TABLE + " VALUES (?, ?, ?) ON CONFLICT (flow) DO NOTHING")) {
            insert.setString(1, flow);
            insert.setString(2, by);
            insert.setTimestamp(3, Timestamp.from(now));
            insert.executeUpdate();
        }
        return of(flow).orElseThrow(() -> new SQLException("flow " + flow + " was resumed while it was being paused"));
    }

    /** Resumes {@code flow}; the pause it had, or empty when it was not paused. */
    public Optional<Pause> resume(String flow) throws SQLException {
        try (Connection c = repository.getConnection(); PreparedStatement delete = c.prepareStatement(
                "DELETE FROM " + TABLE + " WHERE flow = ? RETURNING flow, paused_by, paused_at")) {
            delete.setString(1, flow);
            try (ResultSet rs = delete.executeQuery()) {
                return rs.next() ? Optional.of(pause(rs)) : Optional.empty();
            }
        }
    }

    public Optional<Pause> of(String flow) throws SQLException {
        try (Connection c = repository.getConnection(); PreparedStatement q = c.prepareStatement(
                "SELECT flow, paused_by, paused_at FROM " + TABLE + " WHERE flow = ?")) {
            q.setString(1, flow);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? Optional.of(pause(rs)) : Optional.empty();
            }
        }
    }

    /** Every paused flow, by name. */
    public Map<String, Pause> all() throws SQLException {
        Map<String, Pause> paused = new TreeMap<>();
        try (Connection c = repository.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT flow, paused_by, paused_at FROM " + TABLE)) {
            while (rs.next()) {
                paused.put(rs.getString(1), pause(rs));
            }
        }
        return paused;
    }

    private static Pause pause(ResultSet rs) throws SQLException {
        return new Pause(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant());
    }
}
