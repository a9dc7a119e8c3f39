package dev.ferry.step;

import dev.ferry.db.Databases;
import dev.ferry.db.MoreConnections;
import dev.ferry.db.UnknownDatabaseException;
import dev.ferry.history.JBeretTables;
import dev.ferry.metrics.StepTotals;
import dev.ferry.notify.Notices;
import dev.ferry.partition.Attempt;
import dev.ferry.recovery.ExecutionOwners;
import dev.ferry.run.RunControl;
import dev.ferry.schedule.Claims;
import dev.ferry.steplog.StepLogs;
import dev.ferry.variables.BusinessDate;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.api.BatchProperty;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.batch.runtime.BatchStatus;
import jakarta.batch.runtime.context.JobContext;
import jakarta.batch.runtime.context.StepContext;
import jakarta.inject.Inject;
import java.lang.reflect.Field;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.postgresql.PGConnection;

/**
 * What Ferry's batchlets share: the step's scope, the report kept in the job repository, an exit status
 * that says why a step failed, and a {@link #stop()} that cancels the statement or COPY in flight.
 */
public abstract class FerryBatchlet extends AbstractBatchlet {

    private static final Logger LOG = Logger.getLogger(FerryBatchlet.class.getName());

    @Inject
    JobContext jobContext;

    @Inject
    StepContext stepContext;

    @Inject
    Databases databases;

    @Inject
    Notices notices;

    @Inject
    ExecutionOwners owners;

    @Inject
    Claims claims;

    @Inject
    StepLogs logs;

    @Inject
    StepTotals totals;

    // The properties every step takes (StepProperty.COMMON): JSR-352 injects a batchlet's properties into fields.
    @Inject
    @BatchProperty
    String database;

    /** The exit status of a step left out by the {@code ferry.steps} job parameter. */
    public static final String SKIPPED = "SKIPPED";

    /** The connections of the attempt in flight (an extract in parallel streams has several). */
    private final Set<Connection> active = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;
    private final CountDownLatch stopped = new CountDownLatch(1);

    @Inject
    @BatchProperty
    String retries;

    @Inject
    @BatchProperty
    String retryDelay;

    @Inject
    @BatchProperty
    String timeout;


    @Override
    public final String process() throws Exception {
        long started = System.nanoTime();
        try (StepLogs.Session log = logs.open(jobContext.getExecutionId(), stepContext.getStepExecutionId(), stepContext.getStepName())) {
            log.line(Level.INFO, jobContext.getJobName() + "/" + stepContext.getStepName() + " started in execution "
                    + jobContext.getExecutionId() + " on " + owners.node());
            return process(log, started);
        }
    }

    private String process(StepLogs.Session log, long started) throws Exception {
        StepScope scope = null;
        try {
            scope = StepScope.of(jobContext, stepContext);
            owners.own(jobContext.getExecutionId()); // whoever started it, this process runs it now
            holdClaim(scope);
            if (!scope.selected()) {
                LOG.info(scope.label() + " skipped: not in " + StepScope.STEPS + "="
                        + scope.variables().value(StepScope.STEPS).orElse(""));
                stepContext.setExitStatus(SKIPPED);
                skipped(scope);
                return SKIPPED;
            }
            PropertyValues values = new PropertyValues(given(), properties(), scope);
            StepReport report = attempts(values);
            stepContext.setPersistentUserData(report);
            LOG.info(scope.label() + " done: " + report.summary());
            totals.add(jobContext.getJobName(), stepContext.getStepName(), kind(), "completed", report.rows(), report.bytes(),
                    seconds(started));
            return BatchStatus.COMPLETED.name();
        } catch (Exception e) {
            StepFailedException failure = scope == null ? asFailure(e) : scope.failure(e);
            if (stopping) {
                log.line(Level.WARNING, "stopped");
                return BatchStatus.STOPPED.name();
            }
            log.line(Level.SEVERE, "failed: " + failure.getMessage());
            totals.add(jobContext.getJobName(), stepContext.getStepName(), kind(), "failed", 0, 0, seconds(started));
            stepContext.setExitStatus(failure.exitStatus());
            jobContext.setExitStatus(failure.exitStatus());
            if (scope != null) {
                failed(scope, failure);
            }
            notices.failed(jobContext.getJobName(), scope == null ? null : scope.variables().mydate().map(Object::toString).orElse(null),
                    jobContext.getExecutionId(), stepContext.getStepName(), failure.getMessage(),
                    scope == null ? null : scope.variables().value(RunControl.STARTED_BY).orElse(null));
            throw failure;
        }
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    /**
     * Once per (flow, mydate), whoever started the run: a start made outside Ferry (jboss-cli, WildFly's
     * console, JBeret's API) claims an unclaimed date here, before its first step, and fails at once when
     * another execution holds the date. Job parameter {@code ferry.forced=true} on such a start reruns the
     * date on purpose, as {@code --force} does.
     */
    private void holdClaim(StepScope scope) throws SQLException {
        Optional<BusinessDate> mydate = scope.variables().mydate();
        if (mydate.isEmpty()) {
            return; // a flow without a business date is not claimed
        }
        JobOperator operator = BatchRuntime.getJobOperator();
        String token = scope.variables().value(RunControl.CLAIM).orElse(null);
        long id = jobContext.getExecutionId();
        refuseRestartOfALiveRun(scope, mydate.get(), id, operator);
        Optional<Claims.Claim> other = claims.hold(scope.flow(), mydate.get(), id, jobContext.getInstanceId(), token,
                execution -> operator.getJobInstance(execution).getInstanceId(), OUTSIDE);
        if (other.isEmpty()) {
            fence = claims.fence(scope.flow(), mydate.get(), id);
            return;
        }
        boolean forced = token == null && scope.variables().value(RunControl.FORCED).map(Boolean::parseBoolean).orElse(false);
        if (forced && claims.claim(scope.flow(), mydate.get(), OUTSIDE, true, Claims.executionToken(id))) {
            claims.attach(scope.flow(), mydate.get(), id);
            fence = claims.fence(scope.flow(), mydate.get(), id);
            return;
        }
        throw new StepFailedException(scope.where() + ": mydate " + mydate.get() + " of flow " + scope.flow() + " is claimed by "
                + other.get() + ", so execution " + id + " would run the date a second time and was refused before its first step."
                + " Restart that execution if it failed, or run the date again on purpose: ferry run --force, the console's rerun,"
                + " or job parameter ferry.forced=true", null);
    }

    /**
     * A restart made without Ferry (jboss-cli's {@code restart-job} on another node) of an execution that still runs on a
     * live process: JBeret takes an execution it does not run itself for crashed, marks it FAILED and starts it again,
     * which would run the date twice. Ferry's own restarts refuse this before they start ({@link RunControl#restart}).
     */
    private void refuseRestartOfALiveRun(StepScope scope, BusinessDate mydate, long id, JobOperator operator) throws SQLException {
        Optional<Claims.Claim> held = claims.find(scope.flow(), mydate);
        Long previous = held.map(Claims.Claim::executionId).orElse(null);
        if (previous == null || previous == id
                || operator.getJobInstance(previous).getInstanceId() != jobContext.getInstanceId()) {
            return;
        }
        Optional<String> owner = owners.runningOn(previous);
        if (owner.isPresent()) {
            throw new StepFailedException(scope.where() + ": execution " + id + " restarts execution " + previous + JBeretTables.STILL_RUNS_ON
                    + owner.get() + ": it would run mydate " + mydate + " of flow " + scope.flow() + " twice and was refused before its"
                    + " first step. Stop execution " + previous + " first (ferry stop " + previous + "), or, if that process is stuck,"
                    + " restart it once it has not been heard from for " + owners.staleAfter().toSeconds() + " s (ferry.recovery.stale-after)", null);
        }
    }

    /** The attempt in flight, given up at its timeout. */
    private volatile Attempt current = Attempt.ONLY;
    /** The thread of an attempt given up at its timeout, until it has ended. */
    private ExecutorService abandoned;
    /** How long a retry waits for a timed-out attempt's thread to leave its store call (the S3 client gives up after 2 minutes). */
    static final Duration ABANDONED_WAIT = Duration.ofMinutes(3);

    /**
     * Whether the step writes files to the store, so that a retry must wait for a timed-out attempt's thread (a load's
     * writes are in its database transaction, which the timeout aborted: its retry need not wait for a stalled read).
     */
    protected boolean writesToStore() {
        return false;
    }

    /** The attempt that {@link #run} is called for: read it at the start of run, so that it stays this attempt's. */
    protected final Attempt attempt() {
        return current;
    }

    /**
     * Before another attempt: waits until the thread of the one that timed out has ended, so that a store call it was
     * stuck in (an upload that lands late) cannot overwrite what the new attempt writes.
     */
    private void awaitAbandoned(StepScope scope, int next) throws InterruptedException {
        if (abandoned == null || !writesToStore()) {
            abandoned = null;
            return;
        }
        if (!abandoned.awaitTermination(1, TimeUnit.SECONDS)) {
            LOG.info(() -> scope.where() + ": waiting for the thread of the attempt that timed out to leave its store call before"
                    + " attempt " + next + " (at most " + ABANDONED_WAIT.toSeconds() + " s)");
            if (!abandoned.awaitTermination(ABANDONED_WAIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new StepFailedException(scope.where() + ": the attempt that timed out is still stuck in a call after "
                        + ABANDONED_WAIT.toSeconds() + " s; attempt " + next + " is not started beside it (it could overwrite its files)."
                        + " Check the store's health, then restart the run", null);
            }
        }
        abandoned = null;
    }

    /** The fencing token of the claim this step's run held when the step began; empty for a flow without a business date. */
    private java.util.OptionalLong fence = java.util.OptionalLong.empty();

    /** The fencing token of the date's claim that this run held as the step began; empty for a flow without a business date. */
    protected final java.util.OptionalLong fence() {
        return fence;
    }

    /** The fencing token of the date's claim that this run holds now: empty, or another than {@link #fence()}, once it was taken over. */
    protected final java.util.OptionalLong fenceNow(StepScope scope) throws SQLException {
        Optional<BusinessDate> mydate = scope.variables().mydate();
        return mydate.isEmpty() ? java.util.OptionalLong.empty() : claims.fence(scope.flow(), mydate.get(), jobContext.getExecutionId());
    }

    /**
     * Refuses {@code what} (a file's commit, a manifest's publication) once this run no longer holds its date: another
     * execution took it over while this one stalled (a GC pause, SIGSTOP, a partition past stale-after).
     */
    private void ensureStillHolds(StepScope scope, String what) throws java.io.IOException {
        if (fence.isEmpty()) {
            return;
        }
        java.util.OptionalLong now;
        try {
            now = fenceNow(scope);
        } catch (SQLException e) {
            throw new java.io.IOException("cannot check in the job repository that execution " + executionId() + " still holds mydate "
                    + scope.variables().mydate().orElse(null) + " of flow " + scope.flow() + ", so not " + what + ": " + e.getMessage(), e);
        }
        if (!now.equals(fence)) {
            String message = "execution " + executionId() + " no longer holds mydate " + scope.variables().mydate().orElse(null) + " of flow "
                    + scope.flow() + ": another execution took the date over while this one was not heard of; not " + what;
            LOG.warning(() -> scope.where() + ": " + message);
            throw new java.io.IOException(message);
        }
    }

    /** Who claims a date that is started outside Ferry. */
    static final String OUTSIDE = "outside Ferry";

    /** Runs the step, again after transient failures as {@code retries} allows, each attempt within {@code timeout}. */
    private StepReport attempts(PropertyValues values) throws Exception {
        StepScope scope = values.scope();
        Attempts attempts = Attempts.read(values);
        long maxRetries = attempts.retries();
        long delay = attempts.retryDelaySeconds();
        for (int attempt = 1; ; attempt++) {
            active.clear(); // the previous attempt's were discarded
            awaitAbandoned(scope, attempt);
            current = new Attempt(attempt, what -> ensureStillHolds(scope, what));
            try {
                return attempts.timeoutSeconds() > 0 ? within(values, attempts.timeoutSeconds()) : run(values);
            } catch (Exception e) {
                discardActive();
                if (stopping || attempt > maxRetries || !Transience.isTransient(e)) {
                    throw e;
                }
                long wait = delay << Math.min(attempt - 1, 16);
                int next = attempt + 1;
                String where = scope.where();
                LOG.warning(() -> where + ": attempt " + (next - 1) + " failed (" + e.getMessage()
                        + "); attempt " + next + " of " + (maxRetries + 1) + " in " + wait + " s");
                if (stopped.await(wait, TimeUnit.SECONDS)) {
                    throw e; // stopped during the back-off: no further attempt
                }
            }
        }
    }

    /**
     * One attempt that ends after {@code seconds} whatever it is waiting for: a statement, a COPY, or the
     * store (a stalled S3 read or upload does not notice a cancelled statement, and a socket read cannot be
     * interrupted). So the attempt runs on a thread of its own; at the deadline its connection is aborted,
     * which ends its statement or COPY and rolls back its transaction on the server, and the thread is left to
     * fail when its store call returns: it can publish nothing, since its database side is gone.
     */
    private StepReport within(PropertyValues values, long seconds) throws Exception {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "ferry-attempt " + values.scope().label());
            thread.setDaemon(true);
            thread.setContextClassLoader(loader); // the WAR's, for JNDI and class loading as on the batch thread
            return thread;
        });
        Future<StepReport> attempt = worker.submit(() -> run(values));
        try {
            return attempt.get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            current.abandon(); // first: whatever the attempt's thread does next commits nothing
            abortActive();
            attempt.cancel(true);
            abandoned = worker;
            throw new StepTimeoutException("timed out after " + seconds + " s (timeout)", null);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } finally {
            worker.shutdown();
        }
    }

    /**
     * Ends the attempt's statement on the server (a cancel request), then closes its connection at once, so
     * that the server rolls back without waiting for the abandoned thread.
     */
    private void abortActive() {
        cancelActive();
        for (Connection connection : List.copyOf(active)) {
            active.remove(connection);
            try {
                connection.unwrap(Connection.class).abort(Runnable::run); // the driver's own, under any pool
            } catch (SQLException | RuntimeException e) {
                LOG.warning(() -> "could not abort the timed-out attempt's connection: " + e.getMessage());
            }
            databases.discard(connection);
        }
    }

    /** The connections of a failed attempt are not handed out again: the next attempt gets healthy ones. */
    private void discardActive() {
        for (Connection connection : List.copyOf(active)) {
            active.remove(connection);
            databases.discard(connection);
        }
    }

    /** Called when {@code ferry.steps} leaves the step out of this run. */
    protected void skipped(StepScope scope) {
    }

    /** Called when the step has failed for good (every attempt), before the failure is reported. */
    protected void failed(StepScope scope, StepFailedException failure) {
    }

    /** The named databases of this runtime. */
    protected final Databases databases() {
        return databases;
    }

    /** The job execution this step runs in. */
    protected final long executionId() {
        return jobContext.getExecutionId();
    }

    protected final long instanceId() {
        return jobContext.getInstanceId();
    }

    /** What the step is, as its report and the metrics say: {@link StepReport#EXTRACT}, {@link StepReport#LOAD} or {@link StepReport#SQL}. */
    protected abstract String kind();

    /** Does the step's work; everything it throws is reported with where. */
    protected abstract StepReport run(PropertyValues values) throws Exception;

    /** The step type's properties: {@link StepProperty#COMMON} and its own, as its spec declares them. */
    protected abstract List<StepProperty> properties();

    /** The values JSR-352 injected into this batchlet's {@code @BatchProperty} fields, by property name. */
    private Map<String, String> given() throws IllegalAccessException {
        Map<String, String> given = new HashMap<>();
        for (Class<?> type = getClass(); type != FerryBatchlet.class.getSuperclass(); type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (field.isAnnotationPresent(BatchProperty.class)) {
                    field.setAccessible(true);
                    given.put(field.getName(), (String) field.get(this));
                }
            }
        }
        return given;
    }

    /**
     * Connects to the database named by the step's {@code database} property; {@link #stop()} cancels
     * what runs on it.
     */
    protected final Connection connect(StepScope scope, String name) {
        try {
            Connection connection = databases.connect(name);
            active.add(connection);
            return connection;
        } catch (UnknownDatabaseException e) {
            throw scope.invalid("database", e.getMessage());
        }
    }

    /** More connections to the same database, for a step's parallel streams; each is cancelled by {@link #stop()} too. */
    protected final MoreConnections more(StepScope scope, String name) {
        return new MoreConnections() {
            @Override
            public Connection open() {
                return connect(scope, name);
            }

            @Override
            public int spare() {
                return databases.spare(name);
            }
        };
    }

    @Override
    public void stop() throws Exception {
        stopping = true;
        stopped.countDown();
        cancelActive();
    }

    private void cancelActive() {
        for (Connection connection : active) {
            try {
                connection.unwrap(PGConnection.class).cancelQuery();
            } catch (SQLException e) {
                LOG.warning("could not cancel the running statement: " + e.getMessage());
            }
        }
    }

    private static StepFailedException asFailure(Exception e) {
        return e instanceof StepFailedException f ? f : new StepFailedException(String.valueOf(e.getMessage()), e);
    }
}
