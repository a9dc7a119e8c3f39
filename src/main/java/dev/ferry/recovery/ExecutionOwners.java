package dev.ferry.recovery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Who runs each execution: a process (host, pid, role) that keeps a heartbeat in the repository
 * database. When a process dies mid-run (kill -9, power loss) its executions stay STARTED in JBeret's
 * tables; the next Ferry process to start finds them by their dead owner — same host and no such pid, or
 * a heartbeat older than {@code staleAfter} — and marks them FAILED with the reason, so that they can be
 * restarted or claimed again.
 */
public final class ExecutionOwners {

    private static final Logger LOG = Logger.getLogger(ExecutionOwners.class.getName());
    private static final String RUNNING = "('STARTING', 'STARTED', 'STOPPING')";

    /** An execution whose owner is gone, and why it is considered gone. */
    public record Orphan(long executionId, String owner, String reason) {
    }

    private final DataSource dataSource;
    private final String ownerId = UUID.randomUUID().toString();
    private final String host;
    private final long pid;
    private final String role;

    public ExecutionOwners(DataSource dataSource, String host, long pid, String role) {
        this.dataSource = dataSource;
        this.host = host;
        this.pid = pid;
        this.role = role;
    }

    /** Creates the tables when absent and registers this process with a first heartbeat. */
    public void register() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS ferry_owner (owner_id varchar(64) PRIMARY KEY, host varchar(255) NOT NULL,"
                    + " pid bigint NOT NULL, role varchar(32) NOT NULL, started_at timestamptz NOT NULL, heartbeat timestamptz NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS ferry_execution_owner (execution_id bigint PRIMARY KEY, owner_id varchar(64) NOT NULL)");
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement insert = c.prepareStatement(
                "INSERT INTO ferry_owner VALUES (?, ?, ?, ?, now(), now())")) {
            insert.setString(1, ownerId);
            insert.setString(2, host);
            insert.setLong(3, pid);
            insert.setString(4, role);
            insert.executeUpdate();
        }
    }

    public void heartbeat() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement update = c.prepareStatement("UPDATE ferry_owner SET heartbeat = now() WHERE owner_id = ?")) {
            update.setString(1, ownerId);
            update.executeUpdate();
        }
    }

    /** Records that this process runs {@code executionId}. */
    public void own(long executionId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement upsert = c.prepareStatement(
                "INSERT INTO ferry_execution_owner VALUES (?, ?) ON CONFLICT (execution_id) DO UPDATE SET owner_id = EXCLUDED.owner_id")) {
            upsert.setLong(1, executionId);
            upsert.setString(2, ownerId);
            upsert.executeUpdate();
        }
    }

    /**
     * Executions this process runs that another process asked to stop ({@code ferry stop}): JBeret marks
     * them STOPPING in the repository, and the owner, which holds the running job, carries the stop out.
     */
    public List<Long> stopRequested() throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement q = c.prepareStatement(
                "SELECT e.jobexecutionid FROM job_execution e JOIN ferry_execution_owner x ON x.execution_id = e.jobexecutionid"
                        + " WHERE x.owner_id = ? AND e.batchstatus = 'STOPPING'")) {
            q.setString(1, ownerId);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        return ids;
    }

    /** The owner of an execution, e.g. {@code cli@host:1234}, for history. */
    public String describe(long executionId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement q = c.prepareStatement(
                "SELECT o.role, o.host, o.pid FROM ferry_execution_owner x JOIN ferry_owner o ON o.owner_id = x.owner_id"
                        + " WHERE x.execution_id = ?")) {
            q.setLong(1, executionId);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? rs.getString(1) + "@" + rs.getString(2) + ":" + rs.getLong(3) : "-";
            }
        }
    }

    /** Executions still marked running whose owner is gone. */
    public List<Orphan> orphans(Duration staleAfter) throws SQLException {
        List<Orphan> orphans = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement q = c.prepareStatement(
                "SELECT e.jobexecutionid, o.role, o.host, o.pid, o.heartbeat, now() FROM job_execution e"
                        + " JOIN ferry_execution_owner x ON x.execution_id = e.jobexecutionid"
                        + " JOIN ferry_owner o ON o.owner_id = x.owner_id"
                        + " WHERE e.batchstatus IN " + RUNNING + " AND o.owner_id <> ?")) {
            q.setString(1, ownerId);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    String owner = rs.getString(2) + "@" + rs.getString(3) + ":" + rs.getLong(4);
                    Instant heartbeat = rs.getTimestamp(5).toInstant();
                    Instant now = rs.getTimestamp(6).toInstant();
                    boolean sameHost = host.equals(rs.getString(3));
                    if (sameHost && ProcessHandle.of(rs.getLong(4)).isEmpty()) {
                        orphans.add(new Orphan(rs.getLong(1), owner, "its process " + owner + " is gone"));
                    } else if (heartbeat.plus(staleAfter).isBefore(now)) {
                        orphans.add(new Orphan(rs.getLong(1), owner, owner + " has not been heard of since " + heartbeat));
                    }
                }
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return orphans; // JBeret has not created its tables yet: nothing ran
            }
            throw e;
        }
        return orphans;
    }

    /** Marks each orphan and its running steps FAILED, with the reason as exit status. */
    public List<Orphan> recover(Duration staleAfter) throws SQLException {
        List<Orphan> orphans = orphans(staleAfter);
        for (Orphan orphan : orphans) {
            String status = "FAILED: recovered: " + orphan.reason() + "; restart it with ferry restart " + orphan.executionId();
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try (PreparedStatement job = c.prepareStatement("UPDATE job_execution SET batchstatus = 'FAILED', exitstatus = ?,"
                        + " endtime = now(), lastupdatedtime = now() WHERE jobexecutionid = ? AND batchstatus IN " + RUNNING);
                     PreparedStatement steps = c.prepareStatement("UPDATE step_execution SET batchstatus = 'FAILED', exitstatus = ?,"
                             + " endtime = now() WHERE jobexecutionid = ? AND batchstatus IN " + RUNNING)) {
                    for (PreparedStatement update : List.of(job, steps)) {
                        update.setString(1, status.length() > 500 ? status.substring(0, 500) : status);
                        update.setLong(2, orphan.executionId());
                        update.executeUpdate();
                    }
                    c.commit();
                } catch (SQLException e) {
                    c.rollback();
                    throw e;
                }
            }
            LOG.warning(() -> "execution " + orphan.executionId() + " marked FAILED: " + orphan.reason());
        }
        return orphans;
    }
}
