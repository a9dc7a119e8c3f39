package dev.ferry.console;

import dev.ferry.config.Secret;
import dev.ferry.db.Databases;
import dev.ferry.dependency.Dependencies;
import dev.ferry.dependency.WaitingDates;
import dev.ferry.flow.FlowDefinitions;
import dev.ferry.flow.FlowRefusedException;
import dev.ferry.flow.FlowStep;
import dev.ferry.flow.FlowVersion;
import dev.ferry.flow.TryRun;
import dev.ferry.history.ExecutionSummary;
import dev.ferry.history.JBeretTables;
import dev.ferry.history.Page;
import dev.ferry.metrics.FlowMetrics;
import dev.ferry.metrics.StepTotals;
import dev.ferry.notify.Notices;
import dev.ferry.recovery.ExecutionOwners;
import dev.ferry.run.RunControl;
import dev.ferry.schedule.Backfill;
import dev.ferry.schedule.Pauses;
import dev.ferry.schedule.Schedule;
import dev.ferry.step.StepReport;
import dev.ferry.steplog.StepLogs;
import dev.ferry.store.ObjectStore;
import dev.ferry.variables.BusinessDate;
import dev.ferry.variables.Variables;
import dev.ferry.warehouse.Warehouses;
import jakarta.batch.operations.JobExecutionAlreadyCompleteException;
import jakarta.batch.operations.JobExecutionNotMostRecentException;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.operations.JobRestartException;
import jakarta.batch.operations.NoSuchJobExecutionException;
import jakarta.batch.runtime.BatchStatus;
import jakarta.batch.runtime.JobExecution;
import jakarta.batch.runtime.StepExecution;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;

/**
 * What the admin console shows and does, over the JobOperator, the job repository and Ferry's claims: the
 * same for the WAR and for {@code ferry serve}. The REST resources only translate HTTP to these calls.
 */
public final class Console {

    private static final Logger LOG = Logger.getLogger(Console.class.getName());
    static final int MAX_GRID_DAYS = 62;
    static final int MAX_BACKFILL_DATES = 366;
    static final int MAX_SAMPLE = 10_000;
    /** Executions a page holds at most when each comes in full. */
    static final int MAX_DETAILED = 100;

    /**
     * Everything the console works with; the runtime (standalone or the WAR) provides each part.
     *
     * @param host recorded with the runs the console starts: {@code console:USER@HOST}
     */
    public record Parts(RunControl control, JBeretTables history, ExecutionOwners owners, Config config, Databases databases,
                        ObjectStore store, Executor background, String host, Clock clock, Pauses pauses, WaitingDates waiting,
                        Notices notices, StepLogs logs, StepTotals totals) {
    }

    private final Parts parts;
    private final JobOperator operator;
    private final FlowDefinitions flows;
    private final AtomicBoolean indexed = new AtomicBoolean();

    public Console(Parts parts) {
        this.parts = parts;
        this.operator = parts.control().operator();
        this.flows = parts.control().flows();
    }

    /** Who started a run from the console, as its job parameters and claim record it. */
    private String startedBy(String user) {
        return "console:" + user + "@" + parts.host();
    }

    /** The flows this runtime can start, and those that have run, each with its schedule and newest execution. */
    public List<FlowView> flows() {
        Set<String> known = new TreeSet<>(flows.names()); // read once: the flows folder and the class path are listed each time
        Map<String, Schedule> schedules = Schedule.fromConfig(parts.config(), known);
        Map<String, ExecutionSummary> last = new TreeMap<>();
        for (ExecutionSummary e : sql(() -> parts.history().latestPerFlow())) {
            last.put(e.flow(), e);
        }
        TreeSet<String> names = new TreeSet<>(known);
        names.addAll(schedules.keySet());
        names.addAll(last.keySet());
        Map<String, Pauses.Pause> paused = sql(() -> parts.pauses().all());
        Map<String, List<FlowView.WaitingDate>> waiting = new TreeMap<>();
        for (WaitingDates.Waiting w : sql(() -> parts.waiting().of(null))) {
            waiting.computeIfAbsent(w.flow(), f -> new ArrayList<>()).add(new FlowView.WaitingDate(w.mydate().toString(), w.since(),
                    List.of(w.upstreams().split(","))));
        }
        List<FlowView> views = new ArrayList<>();
        BusinessDate latest = latestBusinessDate();
        for (String name : names) {
            Schedule schedule = schedules.get(name);
            // Flows that only ran once (a job XML path, a flow since removed) are history, not broken.
            Optional<String> problem = schedule != null ? parts.control().problem(schedule)
                    : known.contains(name) ? parts.control().problem(name, latest) : Optional.empty();
            Pauses.Pause pause = paused.get(name);
            views.add(new FlowView(name, flows.version(name).orElse(null),
                    schedule == null ? null : scheduleView(schedule), last.get(name), problem.orElse(null),
                    pause == null ? null : new FlowView.Paused(pause.by(), pause.at()), waiting.getOrDefault(name, List.of())));
        }
        return views;
    }

    private FlowView.ScheduleView scheduleView(Schedule schedule) {
        List<FlowView.NextRun> next = new ArrayList<>();
        ZonedDateTime at = ZonedDateTime.now(parts.clock().withZone(schedule.zone()));
        for (int i = 0; i < 3; i++) {
            at = schedule.nextFireAfter(at);
            next.add(new FlowView.NextRun(at.toOffsetDateTime().toString(), schedule.businessDateFor(at).toString()));
        }
        return new FlowView.ScheduleView(schedule.cron(), schedule.zone().getId(), schedule.misfire().toString(), next);
    }

    public Page<ExecutionSummary> executions(JBeretTables.Filter filter, int offset, int limit) {
        if (offset < 0 || limit < 1 || limit > 500) {
            throw ConsoleProblem.badRequest("offset must be 0 or more and limit from 1 to 500 (got offset " + offset + ", limit " + limit + ")");
        }
        filter.status().ifPresent(Console::batchStatus);
        return sql(() -> parts.history().find(filter, offset, limit));
    }

    /** A page of executions in full: parameters, owner and steps of each. */
    public Page<ExecutionDetail> executionDetails(JBeretTables.Filter filter, int offset, int limit) {
        if (limit > MAX_DETAILED) {
            throw ConsoleProblem.badRequest("limit is at most " + MAX_DETAILED + " with detail (got " + limit + "); page with offset");
        }
        Page<ExecutionSummary> page = executions(filter, offset, limit);
        return new Page<>(page.items().stream().map(e -> execution(e.id())).toList(), page.offset(), page.limit(), page.total());
    }

    /**
     * {@code days} business dates up to {@code to} (default: the T+1 date of today) × flows; with
     * {@code expand}, that flow's steps too.
     */
    public Grid grid(Optional<BusinessDate> to, int days, Optional<String> expand) {
        if (days < 1 || days > MAX_GRID_DAYS) {
            throw ConsoleProblem.badRequest("days must be from 1 to " + MAX_GRID_DAYS + " (got " + days + "); page with 'to' for older dates");
        }
        BusinessDate newest = latestBusinessDate();
        BusinessDate last = to.orElse(newest);
        BusinessDate first = new BusinessDate(last.date().minusDays(days - 1L));
        List<String> dates = new ArrayList<>();
        for (BusinessDate d = last; d.compareTo(first) >= 0; d = new BusinessDate(d.date().minusDays(1))) {
            dates.add(d.toString());
        }
        if (!indexed.get() && parts.history().indexBusinessDates()) {
            indexed.set(true);
        }
        List<ExecutionSummary> cells = sql(() -> parts.history().latestPerDate(first, last));
        TreeSet<String> flows = new TreeSet<>(this.flows.names());
        flows.addAll(Schedule.fromConfig(parts.config(), this.flows.names()).keySet());
        cells.forEach(c -> flows.add(c.flow()));
        List<JBeretTables.StepStatus> steps = expand.isEmpty() ? List.of()
                : sql(() -> parts.history().stepsPerDate(expand.get(), first, last));
        // Today's date is reachable too: a run started for it on purpose (--allow-future) is shown like any other.
        BusinessDate today = new BusinessDate(newest.date().plusDays(1));
        String newer = last.compareTo(today) >= 0 ? null : new BusinessDate(min(last.date().plusDays(days), today.date())).toString();
        Set<String> onPage = Set.copyOf(dates);
        List<String> late = sql(() -> parts.notices().lateNow()).stream()
                .filter(key -> onPage.contains(key.substring(key.lastIndexOf('/') + 1))).toList();
        List<Grid.WaitingCell> waiting = sql(() -> parts.waiting().of(null)).stream().filter(w -> onPage.contains(w.mydate().toString()))
                .map(w -> new Grid.WaitingCell(w.flow(), w.mydate().toString(), List.of(w.upstreams().split(",")))).toList();
        // What each running cell's run is doing now: its newest log line (a step's progress every 5 s).
        Map<Long, ExecutionSummary> running = new java.util.HashMap<>();
        cells.stream().filter(c -> Set.of("STARTING", "STARTED", "STOPPING").contains(c.status())).forEach(c -> running.put(c.id(), c));
        Map<String, String> progress = new TreeMap<>();
        sql(() -> parts.logs().newest(running.keySet())).forEach((id, line) -> progress.put(running.get(id).flow() + "/"
                + running.get(id).mydate(), line.step() + ": " + line.message()));
        return new Grid(dates, List.copyOf(flows), cells, expand.orElse(null), steps,
                new BusinessDate(first.date().minusDays(1)).toString(), newer, late, waiting, progress);
    }

    private static LocalDate min(LocalDate a, LocalDate b) {
        return a.isBefore(b) ? a : b;
    }

    /** The business date a run today loads: yesterday in {@code ferry.timezone} (T+1). */
    BusinessDate latestBusinessDate() {
        ZoneId zone = Schedule.defaultZone(parts.config());
        return BusinessDate.forRunAt(ZonedDateTime.now(parts.clock().withZone(zone)), zone);
    }

    public ExecutionDetail execution(long id) {
        JobExecution execution = jobExecution(id);
        Properties parameters = operator.getParameters(id);
        List<ExecutionDetail.Step> steps = new ArrayList<>();
        List<StepReport> reports = new ArrayList<>();
        String error = null;
        for (StepExecution step : operator.getStepExecutions(id)) {
            String stepError = failure(step.getExitStatus());
            if (error == null && stepError != null) {
                error = "step " + step.getStepName() + ": " + stepError;
            }
            StepReport report = step.getPersistentUserData() instanceof StepReport r ? r : null;
            if (report != null) {
                reports.add(report);
            }
            steps.add(new ExecutionDetail.Step(step.getStepName(), step.getBatchStatus().name(), step.getExitStatus(),
                    report == null ? null : report.rows(), report == null ? null : report.bytes(),
                    report == null ? null : report.files(), instant(step.getStartTime()), instant(step.getEndTime()), stepError));
        }
        if (error == null) {
            error = failure(execution.getExitStatus());
        }
        Map<String, String> shown = new TreeMap<>();
        for (String name : parameters.stringPropertyNames()) {
            shown.put(name, Secret.NAMED.matcher(name).matches() ? "****" : parameters.getProperty(name));
        }
        String owner;
        try {
            owner = parts.owners().describe(id);
        } catch (SQLException e) {
            owner = "?";
        }
        boolean empty = execution.getBatchStatus() == BatchStatus.COMPLETED && StepReport.emptyRun(reports);
        return new ExecutionDetail(id, execution.getJobName(), parameters.getProperty(Variables.MYDATE),
                execution.getBatchStatus().name(), empty, execution.getExitStatus(), instant(execution.getStartTime()),
                instant(execution.getEndTime()), parameters.getProperty(RunControl.STARTED_BY, "outside Ferry"),
                Boolean.parseBoolean(parameters.getProperty(RunControl.FORCED)), parameters.getProperty(FlowVersion.PARAMETER),
                owner, shown, steps, error, actions(execution));
    }

    /** {@code flow}'s upstreams and downstreams, transitively, with each one's state for {@code mydate}. */
    public FlowGraph graph(String flow, BusinessDate mydate) {
        requireFlow(flow);
        String name = flow;
        Set<String> known = new TreeSet<>(flows.names());
        Dependencies dependencies = Dependencies.from(parts.config(), known);
        Map<String, Integer> levels = new TreeMap<>(Map.of(name, 0));
        Set<FlowGraph.Edge> edges = new java.util.LinkedHashSet<>();
        java.util.ArrayDeque<String> up = new java.util.ArrayDeque<>(List.of(name));
        while (!up.isEmpty()) {
            String at = up.poll();
            for (String upstream : dependencies.upstreamsOf(at)) {
                edges.add(new FlowGraph.Edge(upstream, at));
                if (!levels.containsKey(upstream)) {
                    levels.put(upstream, levels.get(at) - 1);
                    up.add(upstream);
                }
            }
        }
        java.util.ArrayDeque<String> down = new java.util.ArrayDeque<>(List.of(name));
        while (!down.isEmpty()) {
            String at = down.poll();
            for (String other : known) {
                if (dependencies.upstreamsOf(other).contains(at)) {
                    edges.add(new FlowGraph.Edge(at, other));
                    if (!levels.containsKey(other)) {
                        levels.put(other, levels.get(at) + 1);
                        down.add(other);
                    }
                }
            }
        }
        Map<String, ExecutionSummary> newest = new TreeMap<>();
        sql(() -> parts.history().latestPerDate(mydate, mydate)).forEach(e -> newest.put(e.flow(), e));
        Set<String> waiting = new TreeSet<>();
        sql(() -> parts.waiting().of(null)).stream().filter(w -> w.mydate().equals(mydate)).forEach(w -> waiting.add(w.flow()));
        List<FlowGraph.Node> nodes = levels.entrySet().stream()
                .sorted(java.util.Comparator.comparing((Map.Entry<String, Integer> e) -> e.getValue()).thenComparing(Map.Entry::getKey))
                .map(e -> {
                    ExecutionSummary run = newest.get(e.getKey());
                    String state = run != null ? run.status() : waiting.contains(e.getKey()) ? "WAITING" : "NOT RUN";
                    return new FlowGraph.Node(e.getKey(), e.getValue(), state, run == null ? null : run.id());
                }).toList();
        return new FlowGraph(name, mydate.toString(), nodes, List.copyOf(edges));
    }

    /** Lines a log call returns at most; page on with {@code after}. */
    static final int MAX_LOG_LINES = 5_000;

    /**
     * The log lines of an execution (of one step with {@code step}) after line {@code after}: poll with the {@code last}
     * it returns while {@code running}.
     */
    public ExecutionLog log(long id, Optional<String> step, long after, int limit) {
        if (limit < 1 || limit > MAX_LOG_LINES || after < 0) {
            throw ConsoleProblem.badRequest("limit must be from 1 to " + MAX_LOG_LINES + " and after 0 or more (got limit " + limit
                    + ", after " + after + ")");
        }
        JobExecution execution = jobExecution(id);
        BatchStatus status = execution.getBatchStatus();
        List<StepLogs.Line> lines = sql(() -> parts.logs().lines(id, step, after, limit));
        long last = lines.isEmpty() ? after : lines.get(lines.size() - 1).id();
        boolean running = status == BatchStatus.STARTING || status == BatchStatus.STARTED || status == BatchStatus.STOPPING;
        return new ExecutionLog(id, status.name(), running, last, lines.size() == limit, lines);
    }

    /**
     * The figures of every flow in Prometheus's text format; with {@code ferry.metrics.token} set, only for a caller that
     * sends it as {@code Authorization: Bearer TOKEN}.
     */
    public String metrics(Optional<String> authorization) {
        Optional<Secret> token = parts.config().getOptionalValue("ferry.metrics.token", String.class).filter(t -> !t.isBlank())
                .map(Secret::of);
        if (token.isPresent()) {
            String given = authorization.filter(a -> a.regionMatches(true, 0, "Bearer ", 0, 7)).map(a -> a.substring(7).strip()).orElse("");
            if (!java.security.MessageDigest.isEqual(given.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    token.get().reveal().getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
                throw new ConsoleProblem(401, "metrics need the token set in ferry.metrics.token: send Authorization: Bearer TOKEN"
                        + " (in Prometheus: authorization: {credentials: TOKEN})");
            }
        }
        Set<String> known = new TreeSet<>(flows.names());
        known.addAll(Schedule.fromConfig(parts.config(), known).keySet());
        FlowMetrics metrics = new FlowMetrics(new FlowMetrics.Sources(parts.history(), parts.totals(), parts.waiting(), parts.notices(),
                known, flow -> Schedule.zoneOf(parts.config(), flow), parts.clock()));
        return sql(metrics::text);
    }

    private static List<String> actions(JobExecution execution) {
        return switch (execution.getBatchStatus()) {
            case STARTING, STARTED -> List.of("stop");
            case FAILED, STOPPED -> List.of("restart", "abandon");
            case COMPLETED -> List.of("abandon");
            default -> List.of();
        };
    }

    /** The reason in a failed exit status ({@code FAILED: reason}), or null. */
    private static String failure(String exitStatus) {
        if (exitStatus != null && exitStatus.startsWith("FAILED: ")) {
            return exitStatus.substring("FAILED: ".length());
        }
        return null;
    }

    /**
     * Starts {@code flow} for {@code mydate} once, as every start does (checked, then the (flow, date) claim);
     * {@code force} reruns a claimed date and {@code allowFuture} a date later than the flow's T+1 date.
     */
    public ExecutionDetail start(String flow, BusinessDate mydate, boolean force, boolean allowFuture, String user) {
        requireFlow(flow);
        RunControl.Start start = checked(() -> parts.control().startOnce(new RunControl.StartRequest(flow, mydate, Map.of(),
                startedBy(user), force, allowFuture)));
        if (start instanceof RunControl.AlreadyClaimed taken) {
            throw ConsoleProblem.conflict(taken.message());
        }
        if (start instanceof RunControl.Waiting waiting) {
            throw ConsoleProblem.conflict(waiting + ": start those first");
        }
        long id = ((RunControl.Started) start).executionId();
        LOG.info(() -> "console: " + startedBy(user) + " started flow " + flow + ", mydate " + mydate + " as execution " + id);
        return execution(id);
    }

    /** Pauses {@code flow}'s schedule on every node; a flow paused already stays paused by whoever paused it first. */
    public FlowView.Paused pause(String flow, String user) {
        requireFlow(flow);
        Pauses.Pause pause = sql(() -> parts.pauses().pause(flow, "console:" + user, parts.clock().instant()));
        LOG.info(() -> "console: " + user + " paused flow " + flow + " (" + pause + ")");
        return new FlowView.Paused(pause.by(), pause.at());
    }

    /** Resumes {@code flow}'s schedule: the fire times it passed follow its misfire policy at the next tick. */
    public void resume(String flow, String user) {
        requireFlow(flow);
        Optional<Pauses.Pause> was = sql(() -> parts.pauses().resume(flow));
        was.ifPresent(pause -> LOG.info(() -> "console: " + user + " resumed flow " + flow + " (was " + pause + ")"));
    }

    public ExecutionDetail stop(long id) {
        BatchStatus status = jobExecution(id).getBatchStatus();
        if (status != BatchStatus.STARTING && status != BatchStatus.STARTED) {
            throw ConsoleProblem.conflict("execution " + id + " is " + status + ", not running: there is nothing to stop");
        }
        operator.stop(id);
        return execution(id);
    }

    /** Restarts a failed or stopped execution from the step that did not complete, with the flow as it is now. */
    public ExecutionDetail restart(long id, String user) {
        JobExecution execution = jobExecution(id);
        long newId;
        try {
            newId = checked(() -> parts.control().restart(id, startedBy(user), Map.of()));
        } catch (JobRestartException | JobExecutionAlreadyCompleteException | JobExecutionNotMostRecentException e) {
            throw ConsoleProblem.conflict("execution " + id + " (" + execution.getBatchStatus() + ") cannot be restarted: " + e.getMessage()
                    + "; only the newest execution of a failed or stopped run can be");
        }
        return execution(newId);
    }

    /** Marks an ended execution abandoned: it can no longer be restarted. */
    public ExecutionDetail abandon(long id) {
        BatchStatus status = jobExecution(id).getBatchStatus();
        if (status == BatchStatus.STARTING || status == BatchStatus.STARTED || status == BatchStatus.STOPPING) {
            throw ConsoleProblem.conflict("execution " + id + " is " + status + ": stop it before abandoning it");
        }
        operator.abandon(id);
        return execution(id);
    }

    /**
     * Runs {@code flow} for every date from {@code from} to {@code to}, {@code parallel} at a time, in the
     * background: completed dates are skipped, failed ones restarted, as {@code ferry backfill} does.
     */
    public BackfillAccepted backfill(String flow, BusinessDate from, BusinessDate to, int parallel, boolean allowFuture, String user) {
        requireFlow(flow);
        if (to.compareTo(from) < 0) {
            throw ConsoleProblem.badRequest("from " + from + " is after to " + to);
        }
        long dates = ChronoUnit.DAYS.between(from.date(), to.date()) + 1;
        if (dates > MAX_BACKFILL_DATES) {
            throw ConsoleProblem.badRequest(dates + " dates is more than a backfill from the console takes (" + MAX_BACKFILL_DATES
                    + "); split the range or use ferry backfill");
        }
        if (parallel < 1 || parallel > Backfill.MAX_PARALLEL) {
            throw ConsoleProblem.badRequest("parallel must be from 1 to " + Backfill.MAX_PARALLEL + " (got " + parallel + ")");
        }
        Backfill.Request request = new Backfill.Request(flow, from, to, parallel, Backfill.Order.ASC, false, List.of(), true, allowFuture);
        // Checked here, so that a flow or a range that would be refused is answered now, not only logged.
        checked(() -> parts.control().check(flow, Map.of(Variables.MYDATE, from.toString())));
        checked(() -> {
            parts.control().checkDate(flow, to, allowFuture);
            return null;
        });
        parts.background().execute(() -> {
            try {
                new Backfill(parts.control(), startedBy(user)).run(request,
                        outcome -> LOG.info(() -> "backfill " + flow + " " + outcome.mydate() + ": " + outcome.action()
                                + (outcome.status() == null ? "" : ", " + outcome.status())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.warning(() -> "backfill " + flow + " " + from + ".." + to + " failed: " + e.getMessage());
            }
        });
        return new BackfillAccepted(flow, from.toString(), to.toString(), (int) dates, parallel);
    }

    /** Rehearses a flow for a date and reports what it found; changes nothing. */
    public TryRunReport tryRun(String flow, BusinessDate mydate, int sample) {
        if (sample < 0 || sample > MAX_SAMPLE) {
            throw ConsoleProblem.badRequest("sample must be from 0 to " + MAX_SAMPLE + " rows (got " + sample + ")");
        }
        requireFlow(flow);
        byte[] xml = flows.read(flow).orElseThrow(() -> unknownFlow(flow));
        List<FlowStep> steps;
        try {
            steps = FlowStep.parse(xml);
        } catch (Exception e) {
            throw new ConsoleProblem(422, "the job XML of flow " + flow + " does not parse: " + e.getMessage() + "; check it with ferry validate");
        }
        List<String> lines = new ArrayList<>();
        List<String> problems = new TryRun(parts.databases(), parts.store(), flows.loader(), new Warehouses(parts.config()))
                .run(steps, Variables.of(Map.of(Variables.MYDATE, mydate.toString())), sample, lines::add);
        return new TryRunReport(flow, mydate.toString(), lines, problems);
    }

    /**
     * The version of a flow this runtime knows by name. Only those: a job XML file named by its path (which
     * the command line takes) is not a flow the console may start, or any file on the server's disk could be.
     *
     * @return the flow's version
     */
    private String requireFlow(String flow) {
        if (!flows.names().contains(flow)) {
            throw unknownFlow(flow);
        }
        return flows.version(flow).orElseThrow(() -> unknownFlow(flow));
    }

    private ConsoleProblem unknownFlow(String flow) {
        return ConsoleProblem.notFound("no flow named '" + flow + "'; the flows here are " + flows.names());
    }

    private JobExecution jobExecution(long id) {
        try {
            return operator.getJobExecution(id);
        } catch (NoSuchJobExecutionException e) {
            throw ConsoleProblem.notFound("no execution " + id + "; list executions with GET api/executions");
        }
    }

    static BatchStatus batchStatus(String status) {
        try {
            return BatchStatus.valueOf(status);
        } catch (IllegalArgumentException e) {
            throw ConsoleProblem.badRequest("status '" + status + "' is not one of " + Arrays.toString(BatchStatus.values()));
        }
    }

    private static Instant instant(Date date) {
        return date == null ? null : date.toInstant();
    }

    /** A start the run control refused becomes 422 with every problem it found. */
    private static <T> T checked(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (FlowRefusedException e) {
            throw new ConsoleProblem(422, e.getMessage());
        }
    }

    private interface SqlCall<T> {
        T call() throws SQLException;
    }

    private static <T> T sql(SqlCall<T> call) {
        try {
            return call.call();
        } catch (SQLException e) {
            throw new ConsoleProblem(503, "the job repository cannot be read: " + e.getMessage() + "; check that its database is up");
        }
    }
}
