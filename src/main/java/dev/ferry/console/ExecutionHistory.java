package dev.ferry.console;

import dev.ferry.variables.BusinessDate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Executions as the console lists them, read from JBeret's tables with SQL: the JobOperator knows only
 * the jobs this process has loaded, and cannot filter by business date. The business date is the
 * {@code mydate} job parameter, which JBeret keeps in {@code job_execution.jobparameters} as
 * {@code key = value} lines.
 */
public final class ExecutionHistory {

    /** The business date of an execution, from its job parameters. */
    private static final String MYDATE = "substring(e.jobparameters from '(?:^|\\n)mydate *= *([0-9]{8})')";
    private static final String SUMMARY = "SELECT e.jobexecutionid, i.jobname, " + MYDATE + " AS mydate, e.batchstatus,"
            + " e.exitstatus, e.starttime, e.endtime FROM job_execution e JOIN job_instance i ON i.jobinstanceid = e.jobinstanceid";

    private static final Logger LOG = Logger.getLogger(ExecutionHistory.class.getName());

    private final DataSource repository;

    public ExecutionHistory(DataSource repository) {
        this.repository = repository;
    }

    /**
     * Indexes JBeret's executions by business date, so that a page of the grid reads the executions of its
     * dates, not the whole history. Done once JBeret has made its tables; until then, and if the index
     * cannot be made, the console still works, more slowly.
     *
     * @return whether the index is there now
     */
    public boolean indexBusinessDates() {
        try (Connection c = repository.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE INDEX IF NOT EXISTS ferry_execution_mydate ON job_execution (" + MYDATE.replace("e.jobparameters", "jobparameters") + ")");
            return true;
        } catch (SQLException e) {
            if (!"42P01".equals(e.getSQLState())) {
                LOG.warning(() -> "cannot index the executions by business date (the console's grid is slower without): " + e.getMessage());
            }
            return false;
        }
    }

    /** Which executions to list; empty parts match everything. */
    public record Filter(Optional<String> flow, Optional<String> status, Optional<BusinessDate> from, Optional<BusinessDate> to) {
    }

    /** One page of executions matching {@code filter}, newest first, with the number of all that match. */
    public Page<ExecutionSummary> find(Filter filter, int offset, int limit) throws SQLException {
        List<Object> args = new ArrayList<>();
        StringBuilder where = new StringBuilder(" WHERE true");
        filter.flow().ifPresent(f -> { where.append(" AND i.jobname = ?"); args.add(f); });
        filter.status().ifPresent(s -> { where.append(" AND e.batchstatus = ?"); args.add(s); });
        filter.from().ifPresent(d -> { where.append(" AND " + MYDATE + " >= ?"); args.add(d.toString()); });
        filter.to().ifPresent(d -> { where.append(" AND " + MYDATE + " <= ?"); args.add(d.toString()); });
        long total = count("SELECT count(*) FROM job_execution e JOIN job_instance i ON i.jobinstanceid = e.jobinstanceid" + where, args);
        List<Object> pageArgs = new ArrayList<>(args);
        pageArgs.add(limit);
        pageArgs.add(offset);
        List<ExecutionSummary> items = summaries(SUMMARY + where + " ORDER BY e.jobexecutionid DESC LIMIT ? OFFSET ?", pageArgs);
        return new Page<>(items, offset, limit, total);
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

    /** The status of a step of a flow on one business date: the newest execution of the step, across restarts. */
    public record StepStatus(String mydate, String step, String status) {
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

    /** The names of the flows that have run. */
    public List<String> flowNames() throws SQLException {
        List<String> names = new ArrayList<>();
        query("SELECT DISTINCT jobname FROM job_instance ORDER BY jobname", List.of(), rows -> names.add(rows.getString(1)));
        return names;
    }

    private List<ExecutionSummary> summaries(String sql, List<Object> args) throws SQLException {
        List<ExecutionSummary> list = new ArrayList<>();
        query(sql, args, rows -> list.add(new ExecutionSummary(rows.getLong("jobexecutionid"), rows.getString("jobname"),
                rows.getString("mydate"), rows.getString("batchstatus"), rows.getString("exitstatus"),
                instant(rows.getTimestamp("starttime")), instant(rows.getTimestamp("endtime")))));
        return list;
    }

    private long count(String sql, List<Object> args) throws SQLException {
        long[] count = {0};
        query(sql, args, rows -> count[0] = rows.getLong(1));
        return count[0];
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
