package dev.ferry.recovery;

import dev.ferry.history.JBeretTables;
import dev.ferry.metrics.StepTotals;
import dev.ferry.partition.RepositoryLedger;
import dev.ferry.schedule.Claims;
import dev.ferry.schedule.Pauses;
import dev.ferry.schedule.Watermarks;
import dev.ferry.steplog.StepLogs;
import jakarta.batch.operations.JobOperator;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A process that runs flows — {@code ferry run}, {@code ferry serve}, a WildFly server — as the job
 * repository sees it, the same in both runtimes: on joining it makes Ferry's tables, registers as an
 * owner of executions and marks FAILED the runs of processes that died; then it beats every two seconds,
 * which keeps its runs from being taken for orphans and carries out stops asked for by other processes.
 * Its shell calls {@link #beat()} on a timer of its own (a scheduled executor, an EJB timer).
 */
public final class Node {

    private static final Logger LOG = Logger.getLogger(Node.class.getName());

    /** How often {@link #beat()} is to be called. */
    public static final Duration BEAT = Duration.ofSeconds(2);
    /** Executions whose owner has not been heard of for this long are taken for dead, unless {@code ferry.recovery.stale-after} says. */
    public static final Duration STALE_AFTER = Duration.ofSeconds(60);
    /** A serving node looks for dead owners' runs this often, and sooner with a short stale-after. */
    static final Duration RECOVER_EVERY = Duration.ofSeconds(10);

    private final DataSource repository;
    private final ExecutionOwners owners;
    private final Supplier<JobOperator> operator;
    private final Duration staleAfter;
    private final java.util.Optional<OrphanRestarts> restarts;
    private final Set<Long> stopping = ConcurrentHashMap.newKeySet();
    private final java.time.Clock clock;
    private java.time.Instant lastRecovery;

    /**
     * @param restarts present on a node that serves (ferry serve, a server): it recovers dead owners' runs as long as it
     *                 lives, and restarts them as their flows say; a short-lived process only recovers as it joins
     */
    public Node(DataSource repository, ExecutionOwners owners, Supplier<JobOperator> operator,
                java.util.Optional<OrphanRestarts> restarts, java.time.Clock clock) {
        this.repository = repository;
        this.owners = owners;
        this.operator = operator;
        this.staleAfter = owners.staleAfter();
        this.restarts = restarts;
        this.clock = clock;
        this.lastRecovery = clock.instant();
    }

    /** {@code ferry.recovery.stale-after}: seconds without a heartbeat after which an owner is taken for dead. */
    public static Duration staleAfter(org.eclipse.microprofile.config.Config config) {
        return Duration.ofSeconds(dev.ferry.config.Settings.wholeNumber(config, "ferry.recovery.stale-after", (int) STALE_AFTER.toSeconds(),
                10, 86_400));
    }

    /**
     * Makes Ferry's tables where absent, registers this process and recovers the runs of dead ones.
     *
     * @throws SQLException when the repository cannot be set up
     */
    public void join() throws SQLException {
        RepositorySetup.exclusively(repository, () -> {
            new Claims(repository).createTableIfAbsent();
            new Watermarks(repository).createTableIfAbsent();
            new Pauses(repository).createTableIfAbsent();
            new RepositoryLedger(repository).createTableIfAbsent();
            new StepTotals(repository).createTablesIfAbsent();
            StepLogs.createTableIfAbsent(repository);
            if (restarts.isPresent()) {
                restarts.get().createTableIfAbsent();
            }
            owners.register();
            guarded = new JBeretTables(repository).guardRecoveredRuns();
            return null;
        });
        recover();
    }

    /** Whether JBeret's status writes are fenced ({@link JBeretTables#guardRecoveredRuns}); retried until JBeret has made its tables. */
    private volatile boolean guarded;

    /**
     * Marks FAILED the runs whose owners are dead and, on a serving node, restarts those whose flows say so; of
     * several nodes at once, one marks and one restarts each run.
     */
    public void recover() throws SQLException {
        lastRecovery = clock.instant();
        if (!guarded) {
            guarded = RepositorySetup.exclusively(repository, () -> new JBeretTables(repository).guardRecoveredRuns());
        }
        owners.recover();
        if (restarts.isPresent()) {
            restarts.get().restartRecovered(clock.instant());
        }
    }

    /**
     * Tells the repository this process is alive, stops what another process asked to stop and, on a serving node,
     * recovers dead owners' runs every {@link #RECOVER_EVERY} (a quarter of stale-after when that is shorter).
     */
    public void beat() {
        try {
            owners.heartbeat();
            for (long id : owners.stopRequested()) {
                if (stopping.add(id)) {
                    LOG.info(() -> "execution " + id + ": stop requested, stopping");
                    operator.get().stop(id);
                }
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warning(() -> "heartbeat to the job repository failed: " + e.getMessage());
            return;
        }
        Duration every = RECOVER_EVERY.compareTo(staleAfter.dividedBy(4)) < 0 ? RECOVER_EVERY : staleAfter.dividedBy(4);
        if (restarts.isPresent() && !clock.instant().isBefore(lastRecovery.plus(every))) {
            try {
                recover();
            } catch (SQLException | RuntimeException e) {
                LOG.warning(() -> "looking for runs whose process died failed: " + e.getMessage());
            }
        }
    }

    public static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
