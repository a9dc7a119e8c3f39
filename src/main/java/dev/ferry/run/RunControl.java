package dev.ferry.run;

import dev.ferry.db.Databases;
import dev.ferry.dependency.Dependencies;
import dev.ferry.flow.FlowCheck;
import dev.ferry.flow.FlowDefinitions;
import dev.ferry.flow.FlowRefusedException;
import dev.ferry.flow.FlowVersion;
import dev.ferry.history.JBeretTables;
import dev.ferry.recovery.ExecutionOwners;
import dev.ferry.schedule.Claims;
import dev.ferry.schedule.Schedule;
import dev.ferry.variables.BusinessDate;
import dev.ferry.variables.Variables;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.operations.JobRestartException;
import jakarta.batch.runtime.BatchStatus;
import jakarta.batch.runtime.JobExecution;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import org.jberet.runtime.JobExecutionImpl;

/**
 * The one way a run is started, restarted, stopped and awaited, whoever asks: the command line, a backfill,
 * {@code ferry serve}, the console and the WAR's timers. A start checks the flow as {@code ferry validate}
 * does and refuses a date later than the flow's T+1 date, then claims (flow, mydate) so that the date runs
 * once, and records the flow's version, who started the run and whether it was forced as job parameters.
 */
public final class RunControl {

    private static final Logger LOG = Logger.getLogger(RunControl.class.getName());
    private final ExecutionOwners owners;
    private final JBeretTables history;
    /** Job parameter: who started the run, e.g. {@code cli:alice@etl-01}, {@code console:olga@etl-01}, {@code timer@node-2}. */
    public static final String STARTED_BY = "ferry.started-by";
    /** Job parameter: {@code true} when the run was started again on purpose for a date that had been started already. */
    public static final String FORCED = "ferry.forced";
    /** Job parameter: the token of the start's claim, by which its steps know the claim is theirs. */
    public static final String CLAIM = "ferry.claim";
    /** Job parameter: the job XML the run was started from (a name, or a file's absolute path), for its restarts. */
    public static final String JOB_XML = "ferry.job-xml";

    private static final Set<BatchStatus> ENDED = Set.of(BatchStatus.COMPLETED, BatchStatus.FAILED, BatchStatus.STOPPED,
            BatchStatus.ABANDONED);

    /**
     * A start: {@code flow} (a name, or on the command line a path to a job XML file) for {@code mydate}, with
     * further job {@code parameters}; {@code force} reruns a date that has been started already and
     * {@code allowFuture} a date later than the flow's T+1 date.
     */
    public record StartRequest(String flow, BusinessDate mydate, Map<String, String> parameters, String startedBy, boolean force,
                               boolean allowFuture) {
        public StartRequest {
            parameters = Map.copyOf(parameters);
        }
    }

    /** What a start did. */
    public sealed interface Start permits Started, AlreadyClaimed, Waiting {
    }

    /** Nothing started: the flows the run waits for ({@code ferry.flow.FLOW.after}) have not COMPLETED its date yet. */
    public record Waiting(String flow, BusinessDate mydate, List<String> upstreams) implements Start {
        @Override
        public String toString() {
            return "flow " + flow + ", mydate " + mydate + " waits for " + String.join(", ", upstreams) + " (no COMPLETED run of "
                    + mydate + " yet; " + Dependencies.key(flow) + ")";
        }
    }

    /** The run was started as execution {@code executionId}. */
    public record Started(long executionId) implements Start {
    }

    /** Nothing started: the date was claimed by an earlier start (forcing reruns it). */
    public record AlreadyClaimed(String flow, BusinessDate mydate, Claims.Claim claim) implements Start {
        public String message() {
            return "flow " + flow + " has been started for " + mydate + " already, by " + claim
                    + "; restart that execution if it failed, or start again with force to rerun the date";
        }
    }

    private final JobOperator operator;
    private final Claims claims;
    private final FlowDefinitions flows;
    private final FlowCheck flowCheck;
    private final Config config;
    private final Clock clock;

    /**
     * @param owners  who runs each execution: a restart of one whose owner is alive is refused
     * @param history the repository's executions, for the upstreams a run waits for
     */
    public RunControl(JobOperator operator, Claims claims, FlowDefinitions flows, Databases databases, Config config, Clock clock,
                      ExecutionOwners owners, JBeretTables history) {
        this.owners = owners;
        this.history = history;
        this.operator = operator;
        this.claims = claims;
        this.flows = flows;
        this.flowCheck = new FlowCheck(flows, name -> databases.names().contains(name));
        this.config = config;
        this.clock = clock;
    }

    public JobOperator operator() {
        return operator;
    }

    public FlowDefinitions flows() {
        return flows;
    }

    /**
     * Checks that {@code flow} could be started with these parameters (every date of a backfill, say) and
     * returns its name; nothing is started.
     *
     * @throws FlowRefusedException listing every problem
     */
    public String check(String flow, Map<String, String> parameters) {
        return definition(flow, parameters).name();
    }

    /** Why {@code flow} cannot be started for {@code mydate} (not found, or a problem {@code validate} reports), or empty. */
    public Optional<String> problem(String flow, BusinessDate mydate) {
        try {
            check(flow, Map.of(Variables.MYDATE, mydate.toString()));
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of(e.getMessage());
        }
    }

    /**
     * Why a scheduled flow cannot run at its next fire time, or empty: such a flow is left out by {@code serve}
     * and the WAR's timers (the others keep their schedules) and shown as broken by the console.
     */
    public Optional<String> problem(Schedule schedule) {
        ZonedDateTime next = schedule.nextFireAfter(ZonedDateTime.now(clock.withZone(schedule.zone())));
        Optional<String> dependency = dependencies().problem(schedule.flow());
        return dependency.isPresent() ? dependency : problem(schedule.flow(), schedule.businessDateFor(next));
    }

    /**
     * The flows that {@code flow} runs after and that have not COMPLETED {@code mydate}.
     *
     * @throws FlowRefusedException when its after list names an unknown flow or is part of a cycle
     */
    public List<String> missingUpstreams(String flow, BusinessDate mydate) {
        Dependencies dependencies = dependencies();
        Optional<String> problem = dependencies.problem(flow);
        if (problem.isPresent()) {
            throw new FlowRefusedException(flow, List.of(problem.get()));
        }
        List<String> upstreams = dependencies.upstreamsOf(flow);
        if (upstreams.isEmpty()) {
            return List.of();
        }
        java.util.Set<String> completed = sql(() -> history.completedOn(upstreams, mydate.toString()));
        return upstreams.stream().filter(u -> !completed.contains(u)).toList();
    }

    /** The flows' after lists; a flow is known when its job XML is there (no listing: a server's scheduling thread cannot list). */
    private Dependencies dependencies() {
        return new Dependencies(config, name -> flows.read(name).isPresent());
    }

    /** Refuses a date later than the flow's T+1 date in its zone, unless allowed. */
    public void checkDate(String flowName, BusinessDate mydate, boolean allowFuture) {
        ZoneId zone = Schedule.zoneOf(config, flowName);
        BusinessDate latest = BusinessDate.forRunAt(ZonedDateTime.now(clock.withZone(zone)), zone);
        if (!allowFuture && mydate.compareTo(latest) > 0) {
            throw new FlowRefusedException(flowName, List.of("mydate " + mydate + " is later than the flow's latest business date "
                    + latest + " (T+1 in " + zone + "): its day is not over, so its data may not be complete; give --allow-future"
                    + " (in the console: confirm) to run it anyway"));
        }
    }

    /** Starts the run unless its date has been claimed already (then nothing starts, unless forced). */
    public Start startOnce(StartRequest request) {
        Map<String, String> all = new TreeMap<>(request.parameters());
        all.put(Variables.MYDATE, request.mydate().toString());
        FlowCheck.CheckedFlow flow = definition(request.flow(), all);
        checkDate(flow.name(), request.mydate(), request.allowFuture());
        String token = UUID.randomUUID().toString();
        Properties parameters = new Properties();
        parameters.putAll(all);
        parameters.setProperty(FlowVersion.PARAMETER, flow.version());
        parameters.setProperty(JOB_XML, flow.jobXml());
        parameters.setProperty(STARTED_BY, request.startedBy());
        parameters.setProperty(FORCED, Boolean.toString(request.force()));
        parameters.setProperty(CLAIM, token);
        JobParameterLimit.check(flow.name(), parameters, request.parameters().keySet());
        List<String> missing = missingUpstreams(flow.name(), request.mydate());
        if (!missing.isEmpty()) {
            return new Waiting(flow.name(), request.mydate(), missing);
        }
        Optional<Claims.Claim> previous = sql(() -> claims.find(flow.name(), request.mydate()));
        if (!sql(() -> claims.claim(flow.name(), request.mydate(), request.startedBy(), request.force(), token))) {
            return new AlreadyClaimed(flow.name(), request.mydate(), sql(() -> claims.find(flow.name(), request.mydate())).orElseThrow());
        }
        long id;
        try {
            id = operator.start(flow.jobXml(), parameters);
        } catch (RuntimeException e) {
            // The date stays open: the start failed, so nothing runs for it. The start's error is the one reported.
            try {
                claims.release(flow.name(), request.mydate(), token, previous);
            } catch (SQLException released) {
                e.addSuppressed(released);
            }
            throw e;
        }
        sql(() -> {
            claims.attach(flow.name(), request.mydate(), id);
            return null;
        });
        LOG.fine(() -> request.startedBy() + " started flow " + flow.name() + ", mydate " + request.mydate() + " as execution " + id);
        return new Started(id);
    }

    /**
     * Restarts a failed or stopped execution from the step that did not complete, with the flow as it is now
     * (checked first); the date's claim moves to the new execution.
     *
     * @param parameters job parameters that replace the execution's own, e.g. {@code ferry.steps}
     * @return the new execution's id
     */
    public long restart(long executionId, String startedBy, Map<String, String> parameters) {
        JobExecution execution = operator.getJobExecution(executionId);
        if (!ENDED.contains(execution.getBatchStatus())) {
            // JBeret takes an unended execution that does not run in this process for crashed and restarts it: with its
            // owner alive on another node, the date would run twice.
            Optional<String> owner = sql(() -> owners.liveOwner(executionId));
            if (owner.isPresent()) {
                throw new JobRestartException("execution " + executionId + " is " + execution.getBatchStatus() + " on " + owner.get()
                        + ", which is alive: a restart now would run it twice. Stop it first (ferry stop " + executionId + "), or, if"
                        + " that process is stuck, its run is marked FAILED once it has not been heard from for "
                        + owners.staleAfter().toSeconds() + " s (ferry.recovery.stale-after) and can be restarted then");
            }
        }
        // A restart of it that was refused while it still ran (jboss-cli's restart-job on another node) is the newest
        // execution of its run now: JBeret restarts only that one.
        long from = sql(() -> history.restartPoint(executionId));
        Properties original = operator.getParameters(from);
        String jobXml = original.getProperty(JOB_XML, original.getProperty("jberet.jobXmlName", execution.getJobName()));
        Map<String, String> all = new TreeMap<>();
        original.stringPropertyNames().forEach(name -> all.put(name, original.getProperty(name)));
        all.putAll(parameters);
        FlowCheck.CheckedFlow flow = definition(jobXml, all);
        Properties restart = new Properties();
        restart.putAll(all);
        restart.setProperty(FlowVersion.PARAMETER, flow.version());
        restart.setProperty(STARTED_BY, startedBy);
        long id = operator.restart(from, restart);
        String mydate = original.getProperty(Variables.MYDATE);
        if (mydate != null) {
            sql(() -> {
                claims.moveTo(execution.getJobName(), BusinessDate.parse(mydate), executionId, id);
                return null;
            });
        }
        return id;
    }

    /** The version an execution ran with and the flow's version now, when they differ. */
    public Optional<String> changedSince(long executionId) {
        Properties original = operator.getParameters(executionId);
        String then = original.getProperty(FlowVersion.PARAMETER);
        String jobXml = original.getProperty(JOB_XML, original.getProperty("jberet.jobXmlName", operator.getJobExecution(executionId).getJobName()));
        return flows.version(jobXml).filter(now -> then != null && !then.equals(now))
                .map(now -> "flow " + operator.getJobExecution(executionId).getJobName() + " has changed since execution " + executionId
                        + " started (version " + then + ", now " + now + "): the restart runs the changed flow");
    }

    public void stop(long executionId) {
        operator.stop(executionId);
    }

    /** Waits until the execution has ended and returns it. */
    public JobExecution await(long executionId) throws InterruptedException {
        return await(executionId, Duration.ofMillis(100));
    }

    JobExecution await(long executionId, Duration poll) throws InterruptedException {
        boolean signalled = false;
        while (true) {
            JobExecution execution = operator.getJobExecution(executionId);
            if (ENDED.contains(execution.getBatchStatus())) {
                return execution;
            }
            if (!signalled && execution instanceof JobExecutionImpl inThisProcess) {
                // Wakes as soon as an execution that this process runs ends (one run by another waits out the poll);
                // once woken, the signal is spent and the status is polled until the repository shows the end.
                long started = System.nanoTime();
                inThisProcess.awaitTermination(poll.toMillis(), TimeUnit.MILLISECONDS);
                signalled = System.nanoTime() - started < poll.toNanos();
            } else {
                Thread.sleep(poll.toMillis());
            }
        }
    }

    /**
     * The execution that the claim of (flow, mydate) started, once its claimer has started it; empty when it
     * has not within {@code patience} (a claimer that died between claiming and starting).
     */
    public OptionalLong claimedExecution(String flowName, BusinessDate mydate, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Claims.Claim> claim = claim(flowName, mydate);
            if (claim.isPresent() && claim.get().executionId() != null) {
                return OptionalLong.of(claim.get().executionId());
            }
            Thread.sleep(100);
        }
        return OptionalLong.empty();
    }

    /** The claim on (flow, mydate), if any. */
    public Optional<Claims.Claim> claim(String flowName, BusinessDate mydate) {
        return sql(() -> claims.find(flowName, mydate));
    }

    private FlowCheck.CheckedFlow definition(String flow, Map<String, String> parameters) {
        return flowCheck.check(flow, parameters);
    }

    private interface SqlCall<T> {
        T call() throws SQLException;
    }

    private static <T> T sql(SqlCall<T> call) {
        try {
            return call.call();
        } catch (SQLException e) {
            throw new IllegalStateException("the claim table in the job repository cannot be used: " + e.getMessage()
                    + "; check that its database is up", e);
        }
    }
}
