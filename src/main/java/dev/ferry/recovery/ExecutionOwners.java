package dev.ferry.recovery;

import dev.ferry.history.JBeretTables;
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

    /** An execution whose owner is gone, and why it is considered gone. */
    public record Orphan(long executionId, String owner, String reason) {
    }

    private final DataSource dataSource;
    private final JBeretTables jobs;
    private final String ownerId = UUID.randomUUID().toString();
    private final String host;
    private final long pid;
    private final String role;
    private final Duration staleAfter;

    /** @param staleAfter how long an owner may go unheard of before its runs count as orphans ({@code ferry.recovery.stale-after}) */
    public ExecutionOwners(DataSource dataSource, String host, long pid, String role, Duration staleAfter) {
        this.dataSource = dataSource;
        this.staleAfter = staleAfter;
        this.jobs = new JBeretTables(dataSource);
        this.host = host;
        this.pid = pid;
        this.role = role;
    }

    /** How long an owner may go unheard of before its runs count as orphans. */
    public Duration staleAfter() {
        return staleAfter;
    }

    /** This process as its runs' logs name it: {@code serve@host:1234}. */
    public String node() {
        return role + "@" + host + ":" + pid;
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
        List<Long> stopping = jobs.stoppingExecutions();
        List<Long> mine = new ArrayList<>();
        if (stopping.isEmpty()) {
            return mine;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement q = c.prepareStatement(
                "SELECT execution_id FROM ferry_execution_owner WHERE owner_id = ? AND execution_id = ANY (?)")) {
            q.setString(1, ownerId);
            q.setArray(2, c.createArrayOf("bigint", stopping.toArray()));
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    mine.add(rs.getLong(1));
                }
            }
        }
        return mine;
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
    public List<Orphan> orphans() throws SQLException {
        List<Orphan> orphans = new ArrayList<>();
        List<Long> unended = jobs.unendedExecutions();
        if (unended.isEmpty()) {
            return orphans;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement q = c.prepareStatement(
                "SELECT x.execution_id, o.role, o.host, o.pid, o.heartbeat, now() FROM ferry_execution_owner x"
                        + " JOIN ferry_owner o ON o.owner_id = x.owner_id WHERE x.execution_id = ANY (?) AND o.owner_id <> ?")) {
            q.setArray(1, c.createArrayOf("bigint", unended.toArray()));
            q.setString(2, ownerId);
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
        }
        return orphans;
    }

    /**
     * The owner of an execution when it is alive: a process of another host heard from within stale-after, or
     * one of this host whose pid is there and that was heard from within stale-after (this process included).
     *
     * @return e.g. {@code serve:ops@etl-01:4242, heard from 1 s ago}; empty when the owner is gone or unknown
     */
    public java.util.Optional<String> liveOwner(long executionId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement q = c.prepareStatement(
                "SELECT o.role, o.host, o.pid, o.heartbeat, now() FROM ferry_execution_owner x JOIN ferry_owner o ON o.owner_id = x.owner_id"
                        + " WHERE x.execution_id = ?")) {
            q.setLong(1, executionId);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    return java.util.Optional.empty();
                }
                String owner = rs.getString(1) + "@" + rs.getString(2) + ":" + rs.getLong(3);
                Instant heartbeat = rs.getTimestamp(4).toInstant();
                Instant now = rs.getTimestamp(5).toInstant();
                boolean gone = host.equals(rs.getString(2)) && ProcessHandle.of(rs.getLong(3)).isEmpty()
                        || heartbeat.plus(staleAfter).isBefore(now);
                return gone ? java.util.Optional.empty()
                        : java.util.Optional.of(owner + ", heard from " + Duration.between(heartbeat, now).toSeconds() + " s ago");
            }
        }
    }

    /**
     * The live process that runs a step of the execution right now, whatever its job's row says: a restart of it made
     * elsewhere (jboss-cli's restart-job on another node) would run its date twice.
     *
     * @return the owner as {@link #liveOwner} names it; empty when no step of it runs or its owner is gone
     */
    public java.util.Optional<String> runningOn(long executionId) throws SQLException {
        return jobs.hasUnendedStep(executionId) ? liveOwner(executionId) : java.util.Optional.empty();
    }

    /**
     * Marks each orphan and its running steps FAILED, with the reason as exit status; the update is conditional, so of
     * several processes recovering at once one marks each orphan.
     *
     * @return the orphans this process marked
     */
    public List<Orphan> recover() throws SQLException {
        List<Orphan> marked = new ArrayList<>();
        for (Orphan orphan : orphans()) {
            if (jobs.markFailed(orphan.executionId(), RECOVERED + orphan.reason() + "; restart it with ferry restart "
                    + orphan.executionId())) {
                LOG.warning(() -> "execution " + orphan.executionId() + " marked FAILED: " + orphan.reason());
                marked.add(orphan);
            }
        }
        return marked;
    }

    /** How the exit status of a run that recovery marked FAILED begins. */
    public static final String RECOVERED = "FAILED: recovered: ";

    /** Forgets the owners of executions that no longer exist (purged), and processes gone since {@code before} that owned none. */
    public static void forget(DataSource dataSource, List<Long> executionIds, Instant before) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM ferry_execution_owner WHERE execution_id = ANY (?)")) {
                s.setArray(1, c.createArrayOf("bigint", executionIds.toArray()));
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("DELETE FROM ferry_owner o WHERE heartbeat < ? AND NOT EXISTS"
                    + " (SELECT 1 FROM ferry_execution_owner x WHERE x.owner_id = o.owner_id)")) {
                s.setTimestamp(1, java.sql.Timestamp.from(before));
                s.executeUpdate();
            }
        }
    }
}
