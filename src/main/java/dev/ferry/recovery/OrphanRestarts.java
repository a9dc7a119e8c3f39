package dev.ferry.recovery;

import dev.ferry.config.Settings;
import dev.ferry.history.JBeretTables;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.Config;

/**
 * Restarts the runs that recovery marked FAILED because their process died, where the flow's policy says so
 * ({@code ferry.flow.FLOW.restart-orphans}; by default the runs a schedule started, not a person's), exactly once
 * across the nodes that serve: a node restarts a run only after it has taken it in {@code ferry_orphan_restart},
 * whose key is the run's execution. A restart that fails is logged and left to a person (it is not tried again).
 */
public final class OrphanRestarts {

    private static final Logger LOG = Logger.getLogger(OrphanRestarts.class.getName());
    /** Runs recovered longer ago than this are not restarted by a node that comes up later: a person has seen them. */
    static final Duration LOOK_BACK = Duration.ofHours(12);

    private final DataSource repository;
    private final JBeretTables jobs;
    private final Config config;
    private final String node;
    private final LongUnaryOperator restart;

    /**
     * @param node    who restarts, e.g. {@code recovery@etl-02}, the new run's started-by
     * @param restart restarts an execution and returns the new one's id
     */
    public OrphanRestarts(DataSource repository, Config config, String node, LongUnaryOperator restart) {
        this.repository = repository;
        this.jobs = new JBeretTables(repository);
        this.config = config;
        this.node = node;
        this.restart = restart;
    }

    public void createTableIfAbsent() throws SQLException {
        try (Connection c = repository.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS ferry_orphan_restart (execution_id bigint PRIMARY KEY, restarted_by varchar(255) NOT NULL,"
                    + " restarted_at timestamptz NOT NULL DEFAULT now(), restarted_as bigint, problem varchar(1000))");
        }
    }

    /** Whether the flow's runs are restarted when their process dies: as configured, else only those a schedule started. */
    boolean wanted(JBeretTables.Recovered run) {
        boolean scheduled = run.startedBy() != null && (run.startedBy().startsWith("timer@") || run.startedBy().startsWith("serve:"));
        return Settings.flag(config, "ferry.flow." + run.flow() + ".restart-orphans", scheduled);
    }

    /** @return the new executions this node started */
    public List<Long> restartRecovered(Instant now) throws SQLException {
        List<Long> started = new ArrayList<>();
        for (JBeretTables.Recovered run : jobs.recoveredSince(now.minus(LOOK_BACK), ExecutionOwners.RECOVERED)) {
            if (!wanted(run) || !take(run.executionId())) {
                continue;
            }
            try {
                long id = restart.applyAsLong(run.executionId());
                record(run.executionId(), id, null);
                LOG.warning(() -> "execution " + run.executionId() + " of flow " + run.flow() + " lost its process; restarted as execution "
                        + id + " by " + node);
                started.add(id);
            } catch (RuntimeException e) {
                record(run.executionId(), null, e.getMessage());
                LOG.warning(() -> "execution " + run.executionId() + " of flow " + run.flow() + " lost its process and could not be"
                        + " restarted: " + e.getMessage() + "; restart it with ferry restart " + run.executionId());
            }
        }
        return started;
    }

    /** Takes the restart of an execution for this node: true for exactly one node. */
    private boolean take(long executionId) throws SQLException {
        try (Connection c = repository.getConnection(); PreparedStatement insert = c.prepareStatement(
                "INSERT INTO ferry_orphan_restart (execution_id, restarted_by) VALUES (?, ?) ON CONFLICT (execution_id) DO NOTHING")) {
            insert.setLong(1, executionId);
            insert.setString(2, node);
            return insert.executeUpdate() == 1;
        }
    }

    private void record(long executionId, Long restartedAs, String problem) throws SQLException {
        try (Connection c = repository.getConnection(); PreparedStatement update = c.prepareStatement(
                "UPDATE ferry_orphan_restart SET restarted_as = ?, problem = ? WHERE execution_id = ?")) {
            update.setObject(1, restartedAs, java.sql.Types.BIGINT);
            update.setString(2, problem == null ? null : problem.substring(0, Math.min(problem.length(), 1000)));
            update.setLong(3, executionId);
            update.executeUpdate();
        }
    }
}
