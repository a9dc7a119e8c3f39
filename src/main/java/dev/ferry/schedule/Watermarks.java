package dev.ferry.schedule;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Up to when each flow's schedule has been handled, kept in the repository database so that a scheduler
 * started after a gap knows which fire times it missed. Several schedulers share it: it only moves forward.
 */
public final class Watermarks {

    public static final String TABLE = "ferry_schedule_mark";

    private final DataSource dataSource;

    public Watermarks(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void createTableIfAbsent() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (flow varchar(255) PRIMARY KEY, handled_up_to timestamptz NOT NULL)");
        }
    }

    public Optional<Instant> read(String flow) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement q = c.prepareStatement("SELECT handled_up_to FROM " + TABLE + " WHERE flow = ?")) {
            q.setString(1, flow);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? Optional.of(rs.getTimestamp(1).toInstant()) : Optional.empty();
            }
        }
    }

    /** Moves the flow's mark to {@code upTo}, never backwards. */
    public void advance(String flow, Instant upTo) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement u = c.prepareStatement(
                "INSERT INTO " + TABLE + " (flow, handled_up_to) VALUES (?, ?) ON CONFLICT (flow) DO UPDATE"
                        + " SET handled_up_to = GREATEST(" + TABLE + ".handled_up_to, EXCLUDED.handled_up_to)")) {
            u.setString(1, flow);
            u.setTimestamp(2, Timestamp.from(upTo));
            u.executeUpdate();
        }
    }
}
