package dev.ferry.dependency;

import dev.ferry.recovery.RepositorySetup;
import dev.ferry.variables.BusinessDate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The scheduled runs that wait for their upstreams, kept in the job repository ({@code ferry_waiting}), so that every
 * node and a restarted one see them, and a waiting run holds no thread and no connection: the scheduler looks at
 * them again at each of its ticks.
 */
public final class WaitingDates {

    /** A date of a flow that waits, since when, and for which upstreams (as last seen). */
    public record Waiting(String flow, BusinessDate mydate, Instant since, String upstreams) {
    }

    private final DataSource repository;

    public WaitingDates(DataSource repository) {
        this.repository = repository;
    }

    public void createTableIfAbsent() throws SQLException {
        RepositorySetup.exclusively(repository, () -> {
            try (Connection c = repository.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS ferry_waiting (flow varchar(255) NOT NULL, mydate char(8) NOT NULL,"
                        + " since timestamptz NOT NULL, upstreams varchar(1000) NOT NULL, PRIMARY KEY (flow, mydate))");
            }
            return null;
        });
    }

    /** Records that the date waits (once: a date that waits already keeps its {@code since}). */
    public void waiting(String flow, BusinessDate mydate, Instant now, List<String> upstreams) throws SQLException {
        try (Connection c = repository.getConnection(); PreparedStatement upsert = c.prepareStatement("INSERT INTO ferry_waiting VALUES"
                + " (?, ?, ?, ?) ON CONFLICT (flow, mydate) DO UPDATE SET upstreams = EXCLUDED.upstreams")) {
            upsert.setString(1, flow);
            upsert.setString(2, mydate.toString());
            upsert.setTimestamp(3, Timestamp.from(now));
            upsert.setString(4, String.join(",", upstreams));
            upsert.executeUpdate();
        }
    }

    public void done(String flow, BusinessDate mydate) throws SQLException {
        try (Connection c = repository.getConnection(); PreparedStatement delete = c.prepareStatement(
                "DELETE FROM ferry_waiting WHERE flow = ? AND mydate = ?")) {
            delete.setString(1, flow);
            delete.setString(2, mydate.toString());
            delete.executeUpdate();
        }
    }

    /** The dates that wait, of {@code flow} (or of every flow when null), oldest first. */
    public List<Waiting> of(String flow) throws SQLException {
        List<Waiting> waiting = new ArrayList<>();
        try (Connection c = repository.getConnection(); PreparedStatement q = c.prepareStatement("SELECT flow, mydate, since, upstreams"
                + " FROM ferry_waiting WHERE ? IS NULL OR flow = ? ORDER BY mydate, flow")) {
            q.setString(1, flow);
            q.setString(2, flow);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    waiting.add(new Waiting(rs.getString(1), BusinessDate.parse(rs.getString(2)), rs.getTimestamp(3).toInstant(),
                            rs.getString(4)));
                }
            }
        }
        return waiting;
    }
}
