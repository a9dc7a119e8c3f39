package dev.ferry.standalone;

import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.config.Secret;
import dev.ferry.console.Console;
import dev.ferry.db.DatabaseBootstrap;
import dev.ferry.db.DatabaseSettings;
import dev.ferry.db.DatabaseUnavailableException;
import dev.ferry.db.Databases;
import dev.ferry.db.PooledDatabases;
import dev.ferry.dependency.WaitingDates;
import dev.ferry.extract.ExtractBatchlet;
import dev.ferry.history.JBeretTables;
import dev.ferry.load.LoadBatchlet;
import dev.ferry.metrics.StepTotals;
import dev.ferry.notify.Deadlines;
import dev.ferry.notify.Notices;
import dev.ferry.partition.RepositoryLedger;
import dev.ferry.recovery.ExecutionOwners;
import dev.ferry.recovery.Node;
import dev.ferry.recovery.OrphanRestarts;
import dev.ferry.recovery.RepositorySetup;
import dev.ferry.run.RunControl;
import dev.ferry.schedule.Claims;
import dev.ferry.schedule.Pauses;
import dev.ferry.schedule.Watermarks;
import dev.ferry.sql.SqlBatchlet;
import dev.ferry.steplog.StepLogs;
import dev.ferry.store.ObjectStore;
import dev.ferry.store.StoreSettings;
import dev.ferry.warehouse.Warehouses;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.runtime.JobExecution;
import java.sql.SQLException;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.Config;
import org.jberet.creation.BatchBeanProducer;
import org.jberet.operations.JobOperatorImpl;
import org.jberet.spi.JobOperatorContext;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;

/**
 * Ferry without an application server: Weld SE for the batch artifacts, JBeret with its job repository on
 * PostgreSQL, a pool per named database and the configured object store. One instance per process (or
 * per test); closing it releases everything it opened.
 */
public final class StandaloneRuntime implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(StandaloneRuntime.class.getName());

    private final Config config;
    private final PooledDatabases databases;
    private final ObjectStore store;
    private final HikariDataSource repositoryPool;
    private final WeldContainer weld;
    private final StandaloneBatchEnvironment environment;
    private final FlowCatalog flows;
    private final JobOperator operator;
    private final Claims claims;
    private final RunControl control;
    private final Watermarks watermarks;
    private final Notices notices;
    private final StepLogs stepLogs;
    private final StepTotals stepTotals;
    private final Pauses pauses;
    private final WaitingDates waitingDates;
    private final ExecutionOwners owners;
    private final ScheduledExecutorService heartbeat;

    private StandaloneRuntime(Config config, String role) {
        this.config = config;
        StandaloneConfig.timezone(config); // a bad zone fails now, naming its key
        EmbeddedServer.usedBy(config).ifPresent(EmbeddedServer::ensureRunning);
        this.store = StoreSettings.from(config).open();
        this.databases = new PooledDatabases(config);
        DatabaseSettings repository = DatabaseSettings.repository(config);
        if (DatabaseBootstrap.createIfAbsent(repository)) {
            LOG.info(() -> "created the job repository's database: " + repository);
        }
        this.repositoryPool = PooledDatabases.pool(repository);
        this.owners = new ExecutionOwners(repositoryPool, hostName(), ProcessHandle.current().pid(), role, Node.staleAfter(config));
        RepositoryLedger ledger = new RepositoryLedger(repositoryPool);
        this.claims = new Claims(repositoryPool);
        this.flows = FlowCatalog.standalone(StandaloneRuntime.class.getClassLoader(), FlowCatalog.folder(config));
        this.notices = new Notices(repositoryPool, Notices.Settings.from(config), Clock.systemUTC());
        this.stepLogs = new StepLogs(repositoryPool, Secret.configured(config), Clock.systemUTC());
        this.stepTotals = new StepTotals(repositoryPool);
        this.weld = new Weld("ferry-" + UUID.randomUUID())
                .disableDiscovery()
                .skipShutdownHook()
                .addBeanClasses(SqlBatchlet.class, ExtractBatchlet.class, LoadBatchlet.class, BatchBeanProducer.class)
                .addExtension(new StandaloneServices(databases, store, notices, owners, flows, ledger, claims,
                        new Warehouses(config), stepLogs, stepTotals))
                .initialize();
        try {
            // JBeret makes its tables as its repository is made: one process at a time, as Ferry's own (Node.join).
            this.environment = RepositorySetup.exclusively(repositoryPool,
                    () -> new StandaloneBatchEnvironment(weld.getBeanManager(), repositoryPool, flows.resolver(), flows.loader()));
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("cannot set up JBeret's tables in " + repository + ": " + e.getMessage());
        }
        this.operator = new JobOperatorImpl(environment);
        // Batch artifacts reach the operator through BatchRuntime.getJobOperator(), as they do in a server.
        JobOperatorContext context = JobOperatorContext.create(operator);
        JobOperatorContext.setJobOperatorContextSelector(() -> context);
        this.control = new RunControl(operator, claims, flows, databases, config, Clock.systemUTC(), owners,
                new JBeretTables(repositoryPool));
        this.watermarks = new Watermarks(repositoryPool);
        this.pauses = new Pauses(repositoryPool);
        this.waitingDates = new WaitingDates(repositoryPool);
        // Only a process that serves (ferry serve) outlives the runs it would restart; the others recover as they join.
        java.util.Optional<OrphanRestarts> restarts = "serve".equals(role) ? java.util.Optional.of(new OrphanRestarts(repositoryPool, config,
                "recovery@" + hostName(), id -> control.restart(id, owner("recovery"), java.util.Map.of()))) : java.util.Optional.empty();
        Node node = new Node(repositoryPool, owners, () -> operator, restarts, Clock.systemUTC());
        try {
            node.join();
            waitingDates.createTableIfAbsent();
            notices.createTableIfAbsent();
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("cannot set up Ferry's tables in " + repository + ": " + e.getMessage());
        }
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "ferry-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        // A serving process watches the deadlines; every process sends the notices it records (and those others left).
        Deadlines deadlines = new Deadlines("serve".equals(role) ? Deadlines.ofKnownFlows(config, flows.names())
                : java.util.Map.of(), new JBeretTables(repositoryPool), notices, Clock.systemUTC());
        notices.startSending(r -> {
            Thread thread = new Thread(r);
            thread.setDaemon(true);
            return thread;
        }, "serve".equals(role) ? deadlines::watch : () -> { });
        stepLogs.start(r -> {
            Thread thread = new Thread(r);
            thread.setDaemon(true);
            return thread;
        });
        heartbeat.scheduleWithFixedDelay(node::beat, Node.BEAT.toMillis(), Node.BEAT.toMillis(), TimeUnit.MILLISECONDS);
    }

    public static StandaloneRuntime start(Config config) {
        return start(config, "ferry");
    }

    /** @param role what this process is, recorded as the owner of the executions it runs: cli, serve, backfill */
    public static StandaloneRuntime start(Config config, String role) {
        return new StandaloneRuntime(config, role);
    }

    /** Who runs an execution, e.g. {@code run@host:1234}. */
    public String ownerOf(long executionId) {
        try {
            return owners.describe(executionId);
        } catch (SQLException e) {
            return "?";
        }
    }

    public JobOperator operator() {
        return operator;
    }

    public Config config() {
        return config;
    }

    public ZoneId timezone() {
        return StandaloneConfig.timezone(config);
    }

    /** Who starts runs from this process, as recorded with its claims: {@code cli:alice@host:pid}. */
    public String owner(String role) {
        return role + ":" + System.getProperty("user.name", "?") + "@" + hostName() + ":" + ProcessHandle.current().pid();
    }

    static String hostName() {
        return Node.hostName();
    }

    /** Every start, restart and stop of a run goes through it. */
    public RunControl control() {
        return control;
    }

    /** The job repository's database, where Ferry keeps its own tables too. */
    public DataSource repository() {
        return repositoryPool;
    }

    /** Up to when each schedule has been handled. */
    public Watermarks watermarks() {
        return watermarks;
    }

    /** The step logs of the runs, in the job repository. */
    public StepLogs stepLogs() {
        return stepLogs;
    }

    /** The notices of this runtime's runs, recorded in the job repository. */
    public Notices notices() {
        return notices;
    }

    /** The flows whose schedules are paused. */
    public Pauses pauses() {
        return pauses;
    }

    /** The scheduled dates that wait for their upstreams ({@code ferry.flow.FLOW.after}). */
    public WaitingDates waitingDates() {
        return waitingDates;
    }

    /** The admin console's view of this runtime; backfills started from it run on {@code background}. */
    public Console console(java.util.concurrent.Executor background, Clock clock) {
        return new Console(new Console.Parts(control, new JBeretTables(repositoryPool), owners, config,
                databases, store, background, hostName(), clock, pauses, waitingDates, notices, stepLogs, stepTotals));
    }

    public Databases databases() {
        return databases;
    }

    public ObjectStore store() {
        return store;
    }

    /**
     * Starts a flow as JBeret's own API would, past Ferry's checks and claims: a job name or a path to a job
     * XML file. Only for tests of what a step does with what it is given; every start of Ferry's goes
     * through {@link #control()}.
     *
     * @return the execution id
     */
    public long start(String flow, Properties parameters) {
        String jobXml = flows.resolvable(flow);
        return operator.start(jobXml, flows.versioned(jobXml, parameters));
    }

    /** Where flows are found, and their names and versions. */
    public FlowCatalog flows() {
        return flows;
    }

    /** Waits until the execution has ended and returns it. */
    public JobExecution await(long executionId) throws InterruptedException {
        return control.await(executionId);
    }

    /** Ids of the newest executions, of one flow or of all, newest first. */
    public List<Long> latestExecutions(Optional<String> flow, int limit) throws SQLException {
        return new JBeretTables(repositoryPool).latestExecutionIds(flow, limit);
    }

    @Override
    public void close() {
        heartbeat.shutdownNow();
        environment.close();
        stepLogs.close();
        notices.close();
        weld.shutdown();
        databases.close();
        repositoryPool.close();
        store.close();
    }
}
