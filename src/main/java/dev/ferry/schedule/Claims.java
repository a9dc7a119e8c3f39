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
    /**
     * How long a claim waits for the execution it was taken for: a start claims, starts, then attaches the execution,
     * in seconds; a claim still unattached after this lease was left by a start that died, and the next start takes it.
     */
    public static final java.time.Duration UNATTACHED_LEASE = java.time.Duration.ofMinutes(5);

    private final DataSource dataSource;

    public Claims(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void createTableIfAbsent() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (flow varchar(255) NOT NULL, mydate char(8) NOT NULL,"
                    + " claimed_at timestamptz NOT NULL DEFAULT now(), claimed_by varchar(255) NOT NULL,"
                    + " execution_id bigint, forced boolean NOT NULL DEFAULT false, CONSTRAINT " + TABLE + "_once UNIQUE (flow, mydate))");
            // Tables made by Ferry 0.1 before forced reruns and claim tokens were recorded.
            s.execute("ALTER TABLE " + TABLE + " ADD COLUMN IF NOT EXISTS forced boolean NOT NULL DEFAULT false");
            s.execute("ALTER TABLE " + TABLE + " ADD COLUMN IF NOT EXISTS token varchar(64)");
            // The fencing token: grows each time another execution takes the date over (a forced rerun, a restart).
            s.execute("ALTER TABLE " + TABLE + " ADD COLUMN IF NOT EXISTS fence bigint NOT NULL DEFAULT 1");
        }
    }

    /**
     * Claims (flow, mydate); with {@code force} a deliberate rerun takes over an existing claim and is
     * recorded as forced.
     *
     * @return true when the caller now owns the pair and should start the run
     */
    public boolean claim(String flow, BusinessDate mydate, String claimedBy, boolean force, String token) throws SQLException {
        // A claim that never got its execution (its process died between the claim and the start) lapses after the lease.
        String sql = "INSERT INTO " + TABLE + " (flow, mydate, claimed_by, forced, token) VALUES (?, ?, ?, ?, ?) ON CONFLICT (flow, mydate) "
                + "DO UPDATE SET claimed_by = EXCLUDED.claimed_by, claimed_at = now(), forced = EXCLUDED.forced, execution_id = NULL,"
                + " token = EXCLUDED.token, fence = " + TABLE + ".fence + 1"
                + (force ? "" : " WHERE " + TABLE + ".execution_id IS NULL AND " + TABLE + ".claimed_at < now() - interval '"
                           + UNATTACHED_LEASE.toSeconds() + " seconds'");
        try (Connection c = dataSource.getConnection(); PreparedStatement insert = c.prepareStatement(sql)) {
            insert.setString(1, flow);
            insert.setString(2, mydate.toString());
            insert.setString(3, claimedBy);
            insert.setBoolean(4, force);
            insert.setString(5, token);
            return insert.executeUpdate() == 1;
        }
    }

    /**
     * Makes sure that execution {@code executionId} (of job instance {@code instanceId}) holds the claim on
     * (flow, mydate) before it runs a step, whoever started it: a Ferry start (its {@code token} matches),
     * a restart of the execution holding the claim (same instance), or a start made outside Ferry (jboss-cli,
     * JBeret's API) of a date nobody has claimed, which it claims now as {@code outsideClaimer}.
     *
     * @param instanceOf the job instance of an execution
     * @return empty when the execution holds the claim, else the claim that another execution holds
     */
    public Optional<Claim> hold(String flow, BusinessDate mydate, long executionId, long instanceId, String token,
                                java.util.function.LongUnaryOperator instanceOf, String outsideClaimer) throws SQLException {
        // A start made outside Ferry has no token: the execution is its own, so that the steps of one execution
        // that start side by side (a split) all know the claim the first of them took as theirs.
        String own = token != null ? token : executionToken(executionId);
        for (int attempt = 0; attempt < 2; attempt++) {
            Optional<Claim> claim = find(flow, mydate);
            if (claim.isEmpty()) {
                if (claim(flow, mydate, outsideClaimer, false, own)) {
                    attach(flow, mydate, executionId);
                    return Optional.empty();
                }
                continue; // claimed in between: look again
            }
            Claim held = claim.get();
            boolean ours = held.executionId() != null && held.executionId() == executionId
                    || own.equals(held.token())
                    || held.executionId() != null && instanceOf.applyAsLong(held.executionId()) == instanceId;
            if (ours) {
                if (held.executionId() == null || held.executionId() != executionId) {
                    attach(flow, mydate, executionId);
                }
                return Optional.empty();
            }
            return claim;
        }
        return find(flow, mydate);
    }

    /** The token of a claim taken for an execution that was started without one (outside Ferry). */
    public static String executionToken(long executionId) {
        return "execution " + executionId;
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
     * Gives up the claim that the start with {@code token} took and could not start a run for: the earlier
     * claim that a forced start took over comes back, or the date is free again.
     */
    public void release(String flow, BusinessDate mydate, String token, Optional<Claim> previous) throws SQLException {
        String sql = previous.isPresent()
                ? "UPDATE " + TABLE + " SET claimed_by = ?, claimed_at = ?, forced = ?, execution_id = ?, token = ?, fence = fence - 1"
                  + " WHERE flow = ? AND mydate = ? AND token = ? AND execution_id IS NULL"
                : "DELETE FROM " + TABLE + " WHERE flow = ? AND mydate = ? AND token = ? AND execution_id IS NULL";
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
                update.setString(i++, p.token());
            }
            update.setString(i++, flow);
            update.setString(i++, mydate.toString());
            update.setString(i, token);
            update.executeUpdate();
        }
    }

    /** A restart of {@code from} runs the date now: the claim that {@code from} held moves to {@code to}. */
    public void moveTo(String flow, BusinessDate mydate, long from, long to) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement update = c.prepareStatement(
                "UPDATE " + TABLE + " SET execution_id = ?, fence = fence + 1 WHERE flow = ? AND mydate = ?"
                        + " AND (execution_id = ? OR execution_id IS NULL)")) {
            update.setLong(1, to);
            update.setString(2, flow);
            update.setString(3, mydate.toString());
            update.setLong(4, from);
            update.executeUpdate();
        }
    }

    /**
     * The fencing token of the claim that {@code executionId} holds on (flow, mydate): it grows each time another
     * execution takes the date over, so a load can tell, just before it commits, whether its run still holds the date.
     *
     * @return empty when the execution holds no claim on the date (any more)
     */
    public java.util.OptionalLong fence(String flow, BusinessDate mydate, long executionId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement query = c.prepareStatement(
                "SELECT fence FROM " + TABLE + " WHERE flow = ? AND mydate = ? AND execution_id = ?")) {
            query.setString(1, flow);
            query.setString(2, mydate.toString());
            query.setLong(3, executionId);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? java.util.OptionalLong.of(rs.getLong(1)) : java.util.OptionalLong.empty();
            }
        }
    }

    /** A claim: who took it, when, whether forced, the execution it started (null until attached), and its start's token. */
    public record Claim(String claimedBy, java.time.Instant claimedAt, boolean forced, Long executionId, String token) {
        @Override
        public String toString() {
            return claimedBy + (executionId == null ? "" : " (execution " + executionId + ")") + " at " + claimedAt
                    + (forced ? ", forced" : "");
        }
    }

    public Optional<Claim> find(String flow, BusinessDate mydate) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement query = c.prepareStatement(
                "SELECT claimed_by, claimed_at, forced, execution_id, token FROM " + TABLE + " WHERE flow = ? AND mydate = ?")) {
            query.setString(1, flow);
            query.setString(2, mydate.toString());
            try (ResultSet rs = query.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                long id = rs.getLong(4);
                Long execution = rs.wasNull() ? null : id;
                return Optional.of(new Claim(rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getBoolean(3), execution, rs.getString(5)));
            }
        }
    }
}
