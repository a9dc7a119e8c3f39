package dev.ferry.history;

import dev.ferry.metrics.StepTotals;
import dev.ferry.step.StepReport;
import dev.ferry.variables.BusinessDate;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The one class that knows JBeret's job repository tables ({@code job_instance}, {@code job_execution},
 * {@code step_execution}): every SQL statement Ferry runs on them is here, for history, recovery and purge.
 * Ferry reads them with SQL because JBeret's JobOperator knows only the jobs its own process has loaded,
 * and cannot filter by business date. The business date is the {@code mydate} job parameter, which JBeret
 * keeps in {@code job_execution.jobparameters} as {@code key = value} lines.
 *
 * <p>Until the first job has run JBeret has not created its tables: reads then find nothing.
 */
public final class JBeretTables {

    private static final Logger LOG = Logger.getLogger(JBeretTables.class.getName());

    /** Batch statuses of an execution that has not ended. */
    private static final String RUNNING = "('STARTING', 'STARTED', 'STOPPING')";
    /** The business date of an execution, from its job parameters. */
    /** A run's {@code ferry.started-by}, as JBeret keeps job parameters (a properties text). */
    private static final String STARTED_BY = "substring(e.jobparameters from '(?:^|\\n)ferry\\.started-by *= *([^\\n]*)')";
    private static final String MYDATE = "substring(e.jobparameters from '(?:^|\\n)mydate *= *([0-9]{8})')";
    private static final String SUMMARY = "SELECT e.jobexecutionid, i.jobname, " + MYDATE + " AS mydate, e.batchstatus,"
            + " e.exitstatus, e.starttime, e.endtime FROM job_execution e JOIN job_instance i ON i.jobinstanceid = e.jobinstanceid";
    /** A step's report is its persistent user data, which JBeret stores Java-serialized; nothing else may be read back. */
    private static final ObjectInputFilter REPORTS_ONLY = ObjectInputFilter.Config.createFilter(
            StepReport.class.getName() + ";java.lang.Number;java.lang.Long;java.lang.Integer;!*");

    private final DataSource repository;

    public JBeretTables(DataSource repository) {
        this.repository = repository;
    }

    /** Which executions to list; empty parts match everything. */
    public record Filter(Optional<String> flow, Optional<String> status, Optional<BusinessDate> from, Optional<BusinessDate> to) {
    }

    /** The status of a step of a flow on one business date: the newest execution of the step, across restarts. */
    public record StepStatus(String mydate, String step, String status) {
    }

    /**
     * Indexes the executions by business date, and the steps by execution, so that a page of the grid reads
     * the executions of its dates and their steps, not the whole history. Done once JBeret has made its tables; until then, and if the index
     * cannot be made, everything still works, more slowly.
     *
     * @return whether the index is there now
     */
    public boolean indexBusinessDates() {
        try (Connection c = repository.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE INDEX IF NOT EXISTS ferry_execution_mydate ON job_execution (" + MYDATE.replace("e.jobparameters", "jobparameters") + ")");
            // JBeret's schema does not index a step's execution; the history reads the steps of a page of executions.
            s.execute("CREATE INDEX IF NOT EXISTS ferry_step_execution_job ON step_execution (jobexecutionid)");
            return true;
        } catch (SQLException e) {
            if (!"42P01".equals(e.getSQLState())) {
                LOG.warning(() -> "cannot index the executions by business date (the console's grid is slower without): " + e.getMessage());
            }
            return false;
        }
    }

    /**
     * Fences JBeret's own status writes: once recovery marked a run FAILED (its owner silent past stale-after), a late
     * write of the process that owned it — one that stalled (a GC pause, SIGSTOP, a partition) and wakes up — cannot
     * turn it, or its steps, into anything but ABANDONED: a trigger on JBeret's tables skips the update, in both
     * runtimes, since JBeret's own statements have no condition. JBeret does not check the rows its updates change.
     * And JBeret's restart of a running execution that it does not run itself cannot mark it FAILED: its owner, alive
     * or found dead by recovery, says how it ends.
     *
     * @return whether the guard is in place (false until JBeret has made its tables)
     */
    public boolean guardRecoveredRuns() throws SQLException {
        try (Connection c = repository.getConnection(); Statement s = c.createStatement()) {
            try (ResultSet present = s.executeQuery("SELECT (SELECT count(*) FROM pg_trigger WHERE tgname = 'ferry_keep_recovered'"
                    + " AND tgrelid IN ('job_execution'::regclass, 'step_execution'::regclass)),"
                    + " (SELECT count(*) FROM pg_proc WHERE proname = 'ferry_keep_recovered' AND prosrc LIKE '%" + GUARD_VERSION + "%')")) {
                present.next();
                if (present.getInt(1) == 2 && present.getInt(2) == 1) {
                    return true; // made before: not again, which would lock JBeret's tables at every start
                }
            }
            // JBeret's restart of an execution that it does not run itself (jboss-cli's restart-job on another node) marks it
            // FAILED without an end time before it starts it again: that row is left STARTED, as its owner runs it, and the
            // restart is refused before its first step when the owner is alive (FerryBatchlet), or goes on when it is dead.
            s.execute("CREATE OR REPLACE FUNCTION ferry_keep_recovered() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN /* " + GUARD_VERSION + " */"
                    + " IF OLD.batchstatus = 'FAILED' AND starts_with(coalesce(OLD.exitstatus, ''), '" + RECOVERED_PREFIX + "')"
                    + " AND NEW.batchstatus <> 'ABANDONED' AND NOT starts_with(coalesce(NEW.exitstatus, ''), '" + RECOVERED_PREFIX + "') THEN"
                    + " RAISE WARNING 'Ferry: a late status write (%) of a run recovery marked FAILED was skipped', NEW.batchstatus;"
                    + " RETURN NULL; END IF;"
                    + " IF TG_TABLE_NAME = 'job_execution' AND OLD.batchstatus IN " + RUNNING + " AND NEW.batchstatus = 'FAILED'"
                    + " AND NEW.endtime IS NULL THEN"
                    + " RAISE WARNING 'Ferry: JBeret marked running execution % FAILED to restart it: skipped, its owner decides', OLD.jobexecutionid;"
                    + " RETURN NULL; END IF; RETURN NEW; END $$");
            for (String table : List.of("job_execution", "step_execution")) {
                s.execute("DROP TRIGGER IF EXISTS ferry_keep_recovered ON " + table);
                s.execute("CREATE TRIGGER ferry_keep_recovered BEFORE UPDATE ON " + table + " FOR EACH ROW EXECUTE FUNCTION ferry_keep_recovered()");
            }
            return true;
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return false;
            }
            throw e;
        }
    }

    /** Names the guard's version in its source, so that a repository made by an earlier version gets the newer guard. */
    private static final String GUARD_VERSION = "ferry guard 2";

    /** How the exit status of a run that recovery marked FAILED begins ({@code ExecutionOwners.RECOVERED}). */
    private static final String RECOVERED_PREFIX = "FAILED: recovered: ";

    // --- history --------------------------------------------------------------------------------------

    /** One page of executions matching {@code filter}, newest first, with the number of all that match. */
    public Page<ExecutionSummary> find(Filter filter, int offset, int limit) throws SQLException {
        List<Object> args = new ArrayList<>();
        StringBuilder where = new StringBuilder(" WHERE true");
        filter.flow().ifPresent(f -> { where.append(" AND i.jobname = ?"); args.add(f); });
        filter.status().ifPresent(s -> { where.append(" AND e.batchstatus = ?"); args.add(s); });
        filter.from().ifPresent(d -> { where.append(" AND " + MYDATE + " >= ?"); args.add(d.toString()); });
        filter.to().ifPresent(d -> { where.append(" AND " + MYDATE + " <= ?"); args.add(d.toString()); });
        long[] total = {0};
        query("SELECT count(*) FROM job_execution e JOIN job_instance i ON i.jobinstanceid = e.jobinstanceid" + where, args,
                rows -> total[0] = rows.getLong(1));
        List<Object> pageArgs = new ArrayList<>(args);
        pageArgs.add(limit);
        pageArgs.add(offset);
        List<ExecutionSummary> items = summaries(SUMMARY + where + " ORDER BY e.jobexecutionid DESC LIMIT ? OFFSET ?", pageArgs);
        return new Page<>(items, offset, limit, total[0]);
    }

    /** The newest execution of each (flow, business date) from {@code from} to {@code to}. */
    public List<ExecutionSummary> latestPerDate(BusinessDate from, BusinessDate to) throws SQLException {
        return summaries("SELECT DISTINCT ON (jobname, mydate) * FROM (" + SUMMARY + ") x WHERE mydate BETWEEN ? AND ?"
                + " ORDER BY jobname, mydate, jobexecutionid DESC", List.of(from.toString(), to.toString()));
    }

    /** The newest execution of each flow. */
    public List<ExecutionSummary> latestPerFlow() throws SQLException {
        return summaries(SUMMARY + " WHERE e.jobexecutionid IN (SELECT max(n.jobexecutionid) FROM job_execution n"
                + " JOIN job_instance m ON m.jobinstanceid = n.jobinstanceid GROUP BY m.jobname) ORDER BY i.jobname", List.of());
    }

    /** Every step's newest status for one flow, from {@code from} to {@code to}. */
    public List<StepStatus> stepsPerDate(String flow, BusinessDate from, BusinessDate to) throws SQLException {
        String sql = "SELECT DISTINCT ON (mydate, s.stepname) mydate, s.stepname, s.batchstatus FROM step_execution s"
                + " JOIN (" + SUMMARY + " WHERE i.jobname = ?) x ON x.jobexecutionid = s.jobexecutionid"
                + " WHERE mydate BETWEEN ? AND ? ORDER BY mydate, s.stepname, s.stepexecutionid DESC";
        List<StepStatus> steps = new ArrayList<>();
        query(sql, List.of(flow, from.toString(), to.toString()), rows -> steps.add(new StepStatus(rows.getString(1), rows.getString(2), rows.getString(3))));
        return steps;
    }

    /** Ids of the newest executions, of one flow or of all, newest first. */
    public List<Long> latestExecutionIds(Optional<String> flow, int limit) throws SQLException {
        List<Object> args = new ArrayList<>();
        flow.ifPresent(args::add);
        args.add(limit);
        List<Long> ids = new ArrayList<>();
        query("SELECT e.jobexecutionid FROM job_execution e JOIN job_instance i ON i.jobinstanceid = e.jobinstanceid"
                + (flow.isPresent() ? " WHERE i.jobname = ?" : "") + " ORDER BY e.jobexecutionid DESC LIMIT ?", args,
                rows -> ids.add(rows.getLong(1)));
        return ids;
    }

    // --- metrics --------------------------------------------------------------------------------------

    /** Ended runs by flow and outcome ({@code completed}, {@code failed}, {@code stopped}, {@code abandoned}), purged ones included. */
    public Map<String, Map<String, Long>> endedPerFlow() throws SQLException {
        Map<String, Map<String, Long>> runs = new java.util.TreeMap<>();
        query("SELECT flow, outcome, sum(runs) FROM (SELECT i.jobname AS flow, lower(e.batchstatus) AS outcome, count(*) AS runs"
                + " FROM job_execution e JOIN job_instance i ON i.jobinstanceid = e.jobinstanceid WHERE e.batchstatus NOT IN " + RUNNING
                + " GROUP BY 1, 2 UNION ALL SELECT flow, outcome, runs FROM " + StepTotals.PURGED_RUNS + ") r GROUP BY 1, 2", List.of(),
                rows -> runs.computeIfAbsent(rows.getString(1), f -> new java.util.TreeMap<>()).put(rows.getString(2), rows.getLong(3)));
        return runs;
    }

    /** Executions starting, running or stopping now, by flow. */
    public Map<String, Long> runningPerFlow() throws SQLException {
        Map<String, Long> running = new java.util.TreeMap<>();
        query("SELECT i.jobname, count(*) FROM job_execution e JOIN job_instance i ON i.jobinstanceid = e.jobinstanceid"
                + " WHERE e.batchstatus IN " + RUNNING + " GROUP BY 1", List.of(), rows -> running.put(rows.getString(1), rows.getLong(2)));
        return running;
    }

    /** The newest business date each flow has COMPLETED. */
    public Map<String, BusinessDate> lastCompletedPerFlow() throws SQLException {
        Map<String, BusinessDate> last = new java.util.TreeMap<>();
        query("SELECT i.jobname, max(" + MYDATE + ") FROM job_execution e JOIN job_instance i ON i.jobinstanceid = e.jobinstanceid"
                + " WHERE e.batchstatus = 'COMPLETED' GROUP BY 1", List.of(), rows -> {
                    if (rows.getString(2) != null) {
                        last.put(rows.getString(1), BusinessDate.parse(rows.getString(2)));
                    }
                });
        return last;
    }

    // --- recovery -------------------------------------------------------------------------------------

    /** Executions that have not ended: starting, running or stopping. */
    public List<Long> unendedExecutions() throws SQLException {
        return executionIds("SELECT jobexecutionid FROM job_execution WHERE batchstatus IN " + RUNNING);
    }

    /**
     * Whether a step of the execution has not ended: it runs somewhere, even if its job's row says FAILED (JBeret's
     * restart of an execution it does not run itself marks the job FAILED and leaves the steps as they are).
     */
    public boolean hasUnendedStep(long executionId) throws SQLException {
        List<Long> running = new ArrayList<>();
        query("SELECT stepexecutionid FROM step_execution WHERE jobexecutionid = ? AND batchstatus IN " + RUNNING, List.of(executionId),
                rows -> running.add(rows.getLong(1)));
        return !running.isEmpty();
    }

    /** Executions that someone asked to stop ({@code ferry stop}, the console) and that have not stopped yet. */
    public List<Long> stoppingExecutions() throws SQLException {
        return executionIds("SELECT jobexecutionid FROM job_execution WHERE batchstatus = 'STOPPING'");
    }

    /**
     * A run that recovery marked FAILED and that nobody has restarted: it is the newest execution of its job instance,
     * or the executions after it are restarts that were refused before their first step while it still ran.
     *
     * @param startedBy the run's {@code ferry.started-by}, e.g. {@code timer@node-2}; null when it has none
     */
    public record Recovered(long executionId, String flow, String startedBy) {
    }

    /** What the exit status of a restart refused because the run it restarts still runs says (FerryBatchlet). */
    public static final String STILL_RUNS_ON = ", which still runs on ";

    /** Execution {@code n}, given {@link #STILL_RUNS_ON} as parameter: a restart refused before its first step while its run ran. */
    private static final String REFUSED_RESTART = "(n.batchstatus = 'FAILED' AND strpos(n.exitstatus, ?) > 0 AND NOT EXISTS"
            + " (SELECT 1 FROM step_execution s WHERE s.jobexecutionid = n.jobexecutionid AND s.batchstatus = 'COMPLETED'))";

    /**
     * The execution that a restart of {@code executionId} restarts: the newest of its job instance when each one after it
     * is a restart refused while it still ran (JBeret restarts only the newest), else itself.
     */
    public long restartPoint(long executionId) throws SQLException {
        List<Long> point = new ArrayList<>();
        query("SELECT coalesce(max(n.jobexecutionid), e.jobexecutionid) FROM job_execution e LEFT JOIN job_execution n"
                        + " ON n.jobinstanceid = e.jobinstanceid AND n.jobexecutionid > e.jobexecutionid WHERE e.jobexecutionid = ?"
                        + " GROUP BY e.jobexecutionid HAVING bool_and(n.jobexecutionid IS NULL OR " + REFUSED_RESTART + ")",
                List.of(executionId, STILL_RUNS_ON), rows -> point.add(rows.getLong(1)));
        return point.isEmpty() ? executionId : point.get(0);
    }

    /** Which of {@code flows} have a COMPLETED execution for {@code mydate}: the upstreams a downstream run waits for. */
    public java.util.Set<String> completedOn(java.util.Collection<String> flows, String mydate) throws SQLException {
        java.util.Set<String> completed = new java.util.TreeSet<>();
        if (flows.isEmpty()) {
            return completed;
        }
        try (Connection c = repository.getConnection(); PreparedStatement q = c.prepareStatement("SELECT DISTINCT i.jobname FROM job_execution e"
                + " JOIN job_instance i ON i.jobinstanceid = e.jobinstanceid WHERE e.batchstatus = 'COMPLETED' AND i.jobname = ANY (?)"
                + " AND " + MYDATE + " = ?")) {
            q.setArray(1, c.createArrayOf("varchar", flows.toArray()));
            q.setString(2, mydate);
            try (ResultSet rows = q.executeQuery()) {
                while (rows.next()) {
                    completed.add(rows.getString(1));
                }
            }
        }
        return completed;
    }

    /** A COMPLETED execution: which, of which flow and business date, started by whom (null when it has no such parameter). */
    public record Completed(long executionId, String flow, String mydate, String startedBy) {
    }

    /** The executions that COMPLETED since {@code since}, oldest first. */
    public List<Completed> completedSince(java.time.Instant since) throws SQLException {
        List<Completed> completed = new ArrayList<>();
        query("SELECT e.jobexecutionid, i.jobname, " + MYDATE + ", " + STARTED_BY
                + " FROM job_execution e JOIN job_instance i ON i.jobinstanceid = e.jobinstanceid WHERE e.batchstatus = 'COMPLETED'"
                + " AND e.endtime > ? ORDER BY e.jobexecutionid", List.of(java.sql.Timestamp.from(since)),
                rows -> completed.add(new Completed(rows.getLong(1), rows.getString(2), rows.getString(3),
                        parameter(rows.getString(4)))));
        return completed;
    }

    /** A job parameter's value as the properties text has it escaped. */
    private static String parameter(String escaped) {
        return escaped == null ? null : escaped.replace("\\:", ":").replace("\\=", "=").strip();
    }

    /**
     * The runs that recovery marked FAILED since {@code since} ({@code exitStatusPrefix}) and that nobody restarted: a
     * restart refused before its first step while the run still ran (jboss-cli's restart-job on another node) does not count.
     */
    public List<Recovered> recoveredSince(java.time.Instant since, String exitStatusPrefix) throws SQLException {
        List<Recovered> recovered = new ArrayList<>();
        query("SELECT e.jobexecutionid, i.jobname, " + STARTED_BY
                + " FROM job_execution e JOIN job_instance i ON i.jobinstanceid = e.jobinstanceid WHERE e.batchstatus = 'FAILED'"
                + " AND starts_with(e.exitstatus, ?) AND e.endtime > ? AND NOT EXISTS (SELECT 1 FROM job_execution n"
                + " WHERE n.jobinstanceid = e.jobinstanceid AND n.jobexecutionid > e.jobexecutionid AND NOT " + REFUSED_RESTART + ")"
                + " ORDER BY e.jobexecutionid",
                List.of(exitStatusPrefix, java.sql.Timestamp.from(since), STILL_RUNS_ON),
                rows -> recovered.add(new Recovered(rows.getLong(1), rows.getString(2), parameter(rows.getString(3)))));
        return recovered;
    }

    /**
     * Marks an execution that has not ended, and its steps that have not, FAILED with {@code exitStatus}:
     * for a run whose process is gone.
     *
     * @return whether it was still unended
     */
    public boolean markFailed(long executionId, String exitStatus) throws SQLException {
        String status = exitStatus.length() > 500 ? exitStatus.substring(0, 500) : exitStatus;
        try (Connection c = repository.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement job = c.prepareStatement("UPDATE job_execution SET batchstatus = 'FAILED', exitstatus = ?,"
                    + " endtime = now(), lastupdatedtime = now() WHERE jobexecutionid = ? AND batchstatus IN " + RUNNING);
                 PreparedStatement steps = c.prepareStatement("UPDATE step_execution SET batchstatus = 'FAILED', exitstatus = ?,"
                         + " endtime = now() WHERE jobexecutionid = ? AND batchstatus IN " + RUNNING)) {
                job.setString(1, status);
                job.setLong(2, executionId);
                boolean marked = job.executeUpdate() > 0;
                steps.setString(1, status);
                steps.setLong(2, executionId);
                steps.executeUpdate();
                c.commit();
                return marked;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    // --- purge ----------------------------------------------------------------------------------------

    /**
     * Deletes executions that ended before {@code cutoff} (their steps and partitions go with them: ON
     * DELETE CASCADE in JBeret's schema), then the job instances left without one.
     *
     * @return the ids deleted
     */
    public List<Long> deleteEndedBefore(Instant cutoff) throws SQLException {
        try (Connection c = repository.getConnection()) {
            c.setAutoCommit(false);
            try {
                List<Long> deleted = new ArrayList<>();
                // The runs' outcomes stay counted for /metrics after their records are gone.
                try (PreparedStatement fold = c.prepareStatement("INSERT INTO " + StepTotals.PURGED_RUNS + " (flow, outcome, runs)"
                        + " SELECT i.jobname, lower(e.batchstatus), count(*) FROM job_execution e JOIN job_instance i"
                        + " ON i.jobinstanceid = e.jobinstanceid WHERE e.endtime < ? AND e.batchstatus NOT IN " + RUNNING
                        + " GROUP BY 1, 2 ON CONFLICT (flow, outcome) DO UPDATE SET runs = " + StepTotals.PURGED_RUNS
                        + ".runs + excluded.runs")) {
                    fold.setTimestamp(1, Timestamp.from(cutoff));
                    fold.executeUpdate();
                }
                try (PreparedStatement executions = c.prepareStatement("DELETE FROM job_execution WHERE endtime < ?"
                        + " AND batchstatus NOT IN " + RUNNING + " RETURNING jobexecutionid")) {
                    executions.setTimestamp(1, Timestamp.from(cutoff));
                    try (ResultSet rows = executions.executeQuery()) {
                        while (rows.next()) {
                            deleted.add(rows.getLong(1));
                        }
                    }
                }
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("DELETE FROM job_instance i WHERE NOT EXISTS"
                            + " (SELECT 1 FROM job_execution e WHERE e.jobinstanceid = i.jobinstanceid)");
                }
                c.commit();
                return deleted;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return List.of();
            }
            throw e;
        }
    }

    // --- reading --------------------------------------------------------------------------------------

    private List<ExecutionSummary> summaries(String sql, List<Object> args) throws SQLException {
        record Row(long id, String flow, String mydate, String status, String exitStatus, Instant start, Instant end) {
        }
        List<Row> found = new ArrayList<>();
        query(sql, args, rows -> found.add(new Row(rows.getLong("jobexecutionid"), rows.getString("jobname"),
                rows.getString("mydate"), rows.getString("batchstatus"), rows.getString("exitstatus"),
                instant(rows.getTimestamp("starttime")), instant(rows.getTimestamp("endtime")))));
        Map<Long, List<Moved>> moved = stepReports(found.stream().map(Row::id).toList());
        return found.stream().map(r -> {
            List<Moved> steps = moved.getOrDefault(r.id(), List.of());
            boolean empty = "COMPLETED".equals(r.status()) && StepReport.emptyRun(steps.stream().map(Moved::report).toList());
            return new ExecutionSummary(r.id(), r.flow(), r.mydate(), r.status(), r.exitStatus(), r.start(), r.end(), empty,
                    steps.stream().map(m -> new ExecutionSummary.StepMoved(m.step(), m.report().rows(), m.report().kind())).toList());
        }).toList();
    }

    private record Moved(String step, StepReport report) {
    }

    /** The reports of the completed steps of {@code executionIds}, in the order the steps ran. */
    private Map<Long, List<Moved>> stepReports(Collection<Long> executionIds) throws SQLException {
        Map<Long, List<Moved>> reports = new HashMap<>();
        if (executionIds.isEmpty()) {
            return reports;
        }
        try (Connection c = repository.getConnection(); PreparedStatement q = c.prepareStatement(
                "SELECT jobexecutionid, stepname, persistentuserdata FROM step_execution"
                        + " WHERE jobexecutionid = ANY (?) AND batchstatus = 'COMPLETED' AND persistentuserdata IS NOT NULL"
                        + " ORDER BY stepexecutionid")) {
            Array ids = c.createArrayOf("bigint", executionIds.toArray());
            q.setArray(1, ids);
            try (ResultSet rows = q.executeQuery()) {
                while (rows.next()) {
                    long id = rows.getLong(1);
                    String step = rows.getString(2);
                    report(rows.getBytes(3)).ifPresent(r -> reports.computeIfAbsent(id, k -> new ArrayList<>()).add(new Moved(step, r)));
                }
            }
        } catch (SQLException e) {
            if (!"42P01".equals(e.getSQLState())) {
                throw e;
            }
        }
        return reports;
    }

    private static Optional<StepReport> report(byte[] bytes) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            protected Class<?> resolveClass(ObjectStreamClass description) throws IOException, ClassNotFoundException {
                // The class loader of Ferry's classes, also inside a WAR, not the caller's.
                return Class.forName(description.getName(), false, StepReport.class.getClassLoader());
            }
        }) {
            in.setObjectInputFilter(REPORTS_ONLY);
            return in.readObject() instanceof StepReport report ? Optional.of(report) : Optional.empty();
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            return Optional.empty(); // not a step report of Ferry's (another batchlet's data, an older Ferry): nothing to show
        }
    }

    private List<Long> executionIds(String sql) throws SQLException {
        List<Long> ids = new ArrayList<>();
        query(sql, List.of(), rows -> ids.add(rows.getLong(1)));
        return ids;
    }

    private interface RowReader {
        void read(ResultSet rows) throws SQLException;
    }

    private void query(String sql, List<Object> args, RowReader reader) throws SQLException {
        try (Connection c = repository.getConnection(); PreparedStatement q = c.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                q.setObject(i + 1, args.get(i));
            }
            try (ResultSet rows = q.executeQuery()) {
                while (rows.next()) {
                    reader.read(rows);
                }
            }
        } catch (SQLException e) {
            if (!"42P01".equals(e.getSQLState())) { // JBeret creates its tables when the first job runs
                throw e;
            }
        }
    }

    private static Instant instant(Timestamp time) {
        return time == null ? null : time.toInstant();
    }
}
