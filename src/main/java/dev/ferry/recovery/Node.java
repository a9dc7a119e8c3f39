package dev.ferry.recovery;

import dev.ferry.partition.RepositoryLedger;
import dev.ferry.schedule.Claims;
import dev.ferry.schedule.Watermarks;
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
    /** Executions whose owner has not been heard of for this long are taken for dead. */
    public static final Duration STALE_AFTER = Duration.ofSeconds(60);

    private final DataSource repository;
    private final ExecutionOwners owners;
    private final Supplier<JobOperator> operator;
    private final Set<Long> stopping = ConcurrentHashMap.newKeySet();

    public Node(DataSource repository, ExecutionOwners owners, Supplier<JobOperator> operator) {
        this.repository = repository;
        this.owners = owners;
        this.operator = operator;
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
            new RepositoryLedger(repository).createTableIfAbsent();
            owners.register();
            return null;
        });
        owners.recover(STALE_AFTER);
    }

    /** Tells the repository this process is alive, and stops what another process asked to stop. */
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
