package dev.ferry.steplog;

import dev.ferry.config.Secret;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import javax.sql.DataSource;

/**
 * Each step's log lines, kept per step execution in the job repository ({@code ferry_step_log}) so that
 * {@code ferry log}, the console and {@code api/executions/ID/log} show them on any node, while the step runs and
 * after its process is gone. A step {@link #open opens} its log on its thread: Ferry's log records at INFO or above
 * and the libraries' warnings, made on that thread or on threads it starts (an attempt's, a parallel extract's
 * streams), go into it, scrubbed of the configured secrets. Lines are written in batches by a thread of their own, so logging never waits for
 * the repository; at most {@link #KEPT} lines a step execution are kept, the oldest dropped.
 */
public final class StepLogs implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(StepLogs.class.getName());
    static final String TABLE = "ferry_step_log";
    /** Lines kept a step execution: the newest. */
    public static final int KEPT = 2_000;
    /** Lines waiting to be written; beyond it new lines are dropped (and counted) rather than make a step wait. */
    private static final int BACKLOG = 20_000;
    private static final long WRITE_EVERY_MILLIS = 500;
    private static final int MESSAGE_LIMIT = 4_000;

    /** One line of a step's log. {@code id} orders the lines of an execution; poll with {@code after} it. */
    public record Line(long id, String step, Instant at, String level, String message) {
    }

    private record Pending(Session session, Instant at, String level, String message) {
    }

    private final DataSource repository;
    private final List<Secret> secrets;
    private final Clock clock;
    private final InheritableThreadLocal<Session> current = new InheritableThreadLocal<>();
    private final BlockingQueue<Pending> pending = new ArrayBlockingQueue<>(BACKLOG);
    private final Handler handler = new Capture();
    private final Object writing = new Object();
    private final Semaphore wake = new Semaphore(0);
    private volatile Thread writer;
    private volatile boolean closing;
    private long dropped;

    public StepLogs(DataSource repository, List<Secret> secrets, Clock clock) {
        this.repository = repository;
        this.secrets = List.copyOf(secrets);
        this.clock = clock;
    }

    /** Called while the repository is set up ({@code Node.join}, one process at a time). */
    public static void createTableIfAbsent(DataSource repository) throws SQLException {
        try (Connection c = repository.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (id bigserial PRIMARY KEY, execution_id bigint NOT NULL,"
                        + " step_execution_id bigint NOT NULL, step varchar(255) NOT NULL, at timestamptz NOT NULL,"
                        + " level varchar(8) NOT NULL, message text NOT NULL)");
                s.execute("CREATE INDEX IF NOT EXISTS ferry_step_log_execution ON " + TABLE + " (execution_id, id)");
        }
    }

    /**
     * Starts capturing the log records of steps (a handler on the root logger) and writing them, on a thread from
     * {@code threads}, until {@link #close()}.
     */
    public void start(ThreadFactory threads) {
        Logger.getLogger("").addHandler(handler);
        Thread thread = threads.newThread(() -> {
            while (!closing) {
                try {
                    wake.tryAcquire(WRITE_EVERY_MILLIS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    return; // the server stops its threads
                }
                write();
            }
        });
        thread.setName("ferry-step-logs");
        writer = thread;
        thread.start();
    }

    /**
     * The log of one step execution, capturing what this thread (and the threads it starts) logs until
     * {@link Session#close()}.
     */
    public Session open(long execution, long stepExecution, String step) {
        Session session = new Session(execution, stepExecution, step);
        current.set(session);
        return session;
    }

    /** The log of a step execution while it runs. */
    public final class Session implements AutoCloseable {
        private final long execution;
        private final long stepExecution;
        private final String step;
        private volatile boolean closed;
        private long written;

        private Session(long execution, long stepExecution, String step) {
            this.execution = execution;
            this.stepExecution = stepExecution;
            this.step = step;
        }

        /** A line that is not a log record of the process (the step's start, its failure). */
        public void line(Level level, String message) {
            if (!closed) {
                add(this, level, message);
            }
        }

        /** Stops capturing and writes what is left of this step's lines before the step's end is recorded. */
        @Override
        public void close() {
            closed = true;
            if (current.get() == this) {
                current.remove();
            }
            write();
            synchronized (writing) { // the counts are the writer's
                if (written > KEPT) {
                    try (Connection c = repository.getConnection()) {
                        trim(c, this);
                    } catch (SQLException e) {
                        LOG.warning(() -> "step " + step + " of execution " + execution + ": its oldest log lines not dropped: " + e.getMessage());
                    }
                }
            }
        }
    }

    private void add(Session session, Level level, String message) {
        String text = message == null ? "" : message;
        for (Secret secret : secrets) {
            text = secret.scrub(text);
        }
        if (text.length() > MESSAGE_LIMIT) {
            text = text.substring(0, MESSAGE_LIMIT) + " ...";
        }
        if (!pending.offer(new Pending(session, clock.instant(), levelName(level), text))) {
            synchronized (writing) {
                dropped++;
            }
        }
    }

    static String levelName(Level level) {
        int value = level.intValue();
        return value >= Level.SEVERE.intValue() ? "ERROR" : value >= Level.WARNING.intValue() ? "WARN" : "INFO";
    }

    /** Writes the lines waiting, then drops the oldest lines of the step executions that have more than {@link #KEPT}. */
    private void write() {
        synchronized (writing) {
            List<Pending> batch = new ArrayList<>();
            pending.drainTo(batch);
            if (batch.isEmpty()) {
                return;
            }
            try (Connection c = repository.getConnection()) {
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + TABLE
                        + " (execution_id, step_execution_id, step, at, level, message) VALUES (?, ?, ?, ?, ?, ?)")) {
                    for (Pending line : batch) {
                        insert.setLong(1, line.session().execution);
                        insert.setLong(2, line.session().stepExecution);
                        insert.setString(3, line.session().step);
                        insert.setTimestamp(4, Timestamp.from(line.at()));
                        insert.setString(5, line.level());
                        insert.setString(6, line.message().replace('\0', ' '));
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
                Map<Session, Integer> counts = new HashMap<>();
                batch.forEach(line -> counts.merge(line.session(), 1, Integer::sum));
                for (Map.Entry<Session, Integer> count : counts.entrySet()) {
                    Session session = count.getKey();
                    long before = session.written;
                    session.written += count.getValue();
                    // Trim in steps of a tenth, not at every line past the limit.
                    if (session.written > KEPT && (before <= KEPT || session.written / (KEPT / 10) != before / (KEPT / 10))) {
                        trim(c, session);
                    }
                }
            } catch (SQLException e) {
                LOG.warning(() -> batch.size() + " step log line(s) not kept: " + e.getMessage());
            }
            if (dropped > 0) {
                long lost = dropped;
                dropped = 0;
                LOG.warning(() -> lost + " step log line(s) dropped: the repository did not keep up");
            }
        }
    }

    private static void trim(Connection c, Session session) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM " + TABLE + " WHERE execution_id = ? AND step_execution_id = ?"
                + " AND id < (SELECT min(id) FROM (SELECT id FROM " + TABLE + " WHERE execution_id = ? AND step_execution_id = ?"
                + " ORDER BY id DESC LIMIT " + KEPT + ") newest)")) {
            delete.setLong(1, session.execution);
            delete.setLong(2, session.stepExecution);
            delete.setLong(3, session.execution);
            delete.setLong(4, session.stepExecution);
            delete.executeUpdate();
        }
    }

    /**
     * The lines of an execution (of one step when {@code step} is given) after line {@code after}, oldest first, at
     * most {@code limit}.
     */
    public List<Line> lines(long execution, Optional<String> step, long after, int limit) throws SQLException {
        List<Line> lines = new ArrayList<>();
        try (Connection c = repository.getConnection(); PreparedStatement q = c.prepareStatement("SELECT id, step, at, level, message FROM "
                + TABLE + " WHERE execution_id = ? AND id > ?" + (step.isPresent() ? " AND step = ?" : "") + " ORDER BY id LIMIT ?")) {
            int i = 1;
            q.setLong(i++, execution);
            q.setLong(i++, after);
            if (step.isPresent()) {
                q.setString(i++, step.get());
            }
            q.setInt(i, limit);
            try (ResultSet rows = q.executeQuery()) {
                while (rows.next()) {
                    lines.add(new Line(rows.getLong(1), rows.getString(2), rows.getTimestamp(3).toInstant(), rows.getString(4),
                            rows.getString(5)));
                }
            }
        } catch (SQLException e) {
            if (!"42P01".equals(e.getSQLState())) { // no step has logged in this repository yet
                throw e;
            }
        }
        return lines;
    }

    /** The newest line of each of {@code executions} that has one: what a running one is doing now. */
    public Map<Long, Line> newest(Collection<Long> executions) throws SQLException {
        Map<Long, Line> newest = new HashMap<>();
        if (executions.isEmpty()) {
            return newest;
        }
        try (Connection c = repository.getConnection(); PreparedStatement q = c.prepareStatement("SELECT DISTINCT ON (execution_id)"
                + " execution_id, id, step, at, level, message FROM " + TABLE + " WHERE execution_id = ANY (?) ORDER BY execution_id, id DESC")) {
            q.setArray(1, c.createArrayOf("bigint", executions.toArray()));
            try (ResultSet rows = q.executeQuery()) {
                while (rows.next()) {
                    newest.put(rows.getLong(1), new Line(rows.getLong(2), rows.getString(3), rows.getTimestamp(4).toInstant(),
                            rows.getString(5), rows.getString(6)));
                }
            }
        } catch (SQLException e) {
            if (!"42P01".equals(e.getSQLState())) {
                throw e;
            }
        }
        return newest;
    }

    /** Removes the logs of purged executions. */
    public static int purge(DataSource repository, Collection<Long> executions) throws SQLException {
        if (executions.isEmpty()) {
            return 0;
        }
        try (Connection c = repository.getConnection(); PreparedStatement delete = c.prepareStatement("DELETE FROM " + TABLE
                + " WHERE execution_id = ANY (?)")) {
            Array ids = c.createArrayOf("bigint", executions.toArray());
            delete.setArray(1, ids);
            return delete.executeUpdate();
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return 0;
            }
            throw e;
        }
    }

    /** Stops capturing, and writes what is left. */
    @Override
    public void close() {
        Logger.getLogger("").removeHandler(handler);
        closing = true;
        Thread thread = writer;
        if (thread != null) {
            wake.release();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        write();
    }

    /** Takes the records made on a thread that has a step's log open. */
    private final class Capture extends Handler {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
            Session session = current.get();
            if (session == null || session.closed || !kept(record)) {
                return;
            }
            String message = formatter.formatMessage(record);
            Throwable thrown = record.getThrown();
            if (thrown != null && thrown.getMessage() != null && !message.contains(thrown.getMessage())) {
                message = message + ": " + thrown.getMessage();
            }
            add(session, record.getLevel(), message);
        }

        /**
         * Ferry's own lines from INFO up, the libraries' warnings and errors; not JBeret's, which reports the failure that
         * Ferry's line already gives, with its stack trace.
         */
        private static boolean kept(LogRecord record) {
            String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
            int level = record.getLevel().intValue();
            return logger.startsWith("dev.ferry.") ? level >= Level.INFO.intValue()
                    : !logger.startsWith("org.jberet") && level >= Level.WARNING.intValue();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
