package dev.ferry.notify;

import dev.ferry.recovery.RepositorySetup;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.Config;

/**
 * The notices of failed, late, recovered (and, when asked, completed) runs, recorded in the job repository
 * ({@code ferry_notice}) and sent from there to {@code ferry.notify.webhook}: recording is one insert, so a notice
 * never fails or delays a run; sending happens on a thread of its own, retried with back-off when the webhook is
 * down or refuses, and any node may send what another recorded. A {@code late} or {@code recovered} notice is
 * recorded once per (flow, business date) by a unique index, however many nodes see the date late.
 */
public final class Notices implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Notices.class.getName());
    static final String TABLE = "ferry_notice";
    /** Attempts before a notice is given up: 10 s, 20 s, 40 s ... about 40 minutes of retries in all. */
    static final int MAX_ATTEMPTS = 8;
    private static final Duration FIRST_RETRY = Duration.ofSeconds(10);
    private static final Duration LOOK_EVERY = Duration.ofSeconds(10);
    private static final Pattern DINGTALK_ERROR = Pattern.compile("\"errcode\"\\s*:\\s*(-?\\d+)");

    /** Where notices go, and which. */
    public record Settings(Optional<URI> webhook, NoticeFormat format, Set<Notice.Event> events, Optional<String> consoleUrl) {
        public static Settings from(Config config) {
            Optional<URI> webhook = config.getOptionalValue("ferry.notify.webhook", String.class).filter(s -> !s.isBlank()).map(u -> {
                try {
                    URI uri = URI.create(u.trim());
                    if (uri.getScheme() == null || !uri.getScheme().startsWith("http")) {
                        throw new IllegalArgumentException();
                    }
                    return uri;
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("ferry.notify.webhook is not an http(s) URL: give e.g. https://chat.example/hooks/ferry");
                }
            });
            NoticeFormat format = NoticeFormat.of(config.getOptionalValue("ferry.notify.format", String.class).orElse("generic"));
            Set<Notice.Event> events = EnumSet.noneOf(Notice.Event.class);
            for (String event : config.getOptionalValue("ferry.notify.events", String.class).orElse("failed,late,recovered").split(",")) {
                if (!event.isBlank()) {
                    events.add(Notice.Event.of(event));
                }
            }
            Optional<String> console = config.getOptionalValue("ferry.console.url", String.class).filter(s -> !s.isBlank())
                    .map(u -> u.endsWith("/") ? u : u + "/");
            return new Settings(webhook, format, events, console);
        }

        /** The console's page of an execution, or of the grid when there is none. */
        String link(Long execution) {
            return consoleUrl.map(u -> u + (execution == null ? "#/grid" : "#/executions/" + execution)).orElse(null);
        }
    }

    private final DataSource repository;
    private final Settings settings;
    private final Clock clock;
    private final HttpClient client;
    private final Semaphore wake = new Semaphore(0);
    private volatile Thread sender;
    private volatile boolean closing;

    public Notices(DataSource repository, Settings settings, Clock clock) {
        this.repository = repository;
        this.settings = settings;
        this.clock = clock;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    public Settings settings() {
        return settings;
    }

    public void createTableIfAbsent() throws SQLException {
        RepositorySetup.exclusively(repository, () -> {
            try (Connection c = repository.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (id bigserial PRIMARY KEY, event varchar(16) NOT NULL,"
                        + " flow varchar(255) NOT NULL, mydate char(8), execution_id bigint, body text NOT NULL,"
                        + " recorded_at timestamptz NOT NULL, state varchar(16) NOT NULL, attempts integer NOT NULL DEFAULT 0,"
                        + " next_at timestamptz NOT NULL, sent_at timestamptz, last_error varchar(1000))");
                // Exactly once per (flow, date) for lateness, and per execution for its end, whichever node sees it first.
                s.execute("CREATE UNIQUE INDEX IF NOT EXISTS ferry_notice_per_date ON " + TABLE
                        + " (event, flow, mydate) WHERE event IN ('late', 'recovered')");
                s.execute("CREATE UNIQUE INDEX IF NOT EXISTS ferry_notice_per_execution ON " + TABLE
                        + " (event, execution_id) WHERE event = 'completed'");
                s.execute("CREATE INDEX IF NOT EXISTS ferry_notice_pending ON " + TABLE + " (next_at) WHERE state = 'pending'");
            }
            return null;
        });
    }

    /**
     * Records a notice to send; false when it was recorded before (a {@code late} date another node saw first). Recorded
     * whether or not its event is sent, so that the console can mark late dates; only events in {@code ferry.notify.events}
     * with a webhook configured are sent.
     */
    public boolean record(Notice notice) throws SQLException {
        Instant now = clock.instant();
        boolean send = settings.webhook().isPresent() && settings.events().contains(Notice.Event.of(notice.event()));
        String body;
        try (Jsonb jsonb = JsonbBuilder.create()) {
            body = jsonb.toJson(notice);
        } catch (Exception e) {
            throw new IllegalStateException("cannot write the notice as JSON: " + e.getMessage(), e);
        }
        try (Connection c = repository.getConnection(); PreparedStatement insert = c.prepareStatement("INSERT INTO " + TABLE
                + " (event, flow, mydate, execution_id, body, recorded_at, state, next_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT DO NOTHING")) {
            insert.setString(1, notice.event());
            insert.setString(2, notice.flow());
            insert.setString(3, notice.mydate());
            if (notice.execution() == null) {
                insert.setNull(4, Types.BIGINT);
            } else {
                insert.setLong(4, notice.execution());
            }
            insert.setString(5, body);
            insert.setTimestamp(6, Timestamp.from(now));
            insert.setString(7, send ? "pending" : "not-sent");
            insert.setTimestamp(8, Timestamp.from(now));
            boolean recorded = insert.executeUpdate() == 1;
            if (recorded && send) {
                wake.release();
            }
            return recorded;
        }
    }

    /** Records that a step failed; never fails itself (see {@link #recordQuietly}). */
    public void failed(String flow, String mydate, long execution, String step, String error, String startedBy) {
        recordQuietly(new Notice(Notice.Event.FAILED.id(), flow, mydate, execution, step, error, settings.link(execution), startedBy,
                clock.instant(), null));
    }

    /** Records a notice and says so in the log if it cannot be: a notice never fails the run it is about. */
    public void recordQuietly(Notice notice) {
        try {
            record(notice);
        } catch (SQLException | RuntimeException e) {
            LOG.warning(() -> "notice " + notice.headline() + " cannot be recorded in the job repository, so it is not sent: " + e.getMessage());
        }
    }

    /**
     * Deletes the notices recorded before {@code cutoff} that are no longer to be sent. Never those of the last two days,
     * whatever the cut-off: a {@code late} record is what keeps a date that is still watched from being noticed twice.
     *
     * @return how many were deleted
     */
    public int purgeRecordedBefore(Instant cutoff) throws SQLException {
        Instant kept = clock.instant().minus(Deadlines.WATCHED_FOR).minus(Duration.ofHours(12));
        try (Connection c = repository.getConnection(); PreparedStatement delete = c.prepareStatement("DELETE FROM " + TABLE
                + " WHERE recorded_at < ? AND state <> 'pending'")) {
            delete.setTimestamp(1, Timestamp.from(cutoff.isBefore(kept) ? cutoff : kept));
            return delete.executeUpdate();
        }
    }

    /** Whether (flow, mydate) was noticed with {@code event}. */
    public boolean noticed(String event, String flow, String mydate) throws SQLException {
        try (Connection c = repository.getConnection(); PreparedStatement q = c.prepareStatement("SELECT 1 FROM " + TABLE
                + " WHERE event = ? AND flow = ? AND mydate = ?")) {
            q.setString(1, event);
            q.setString(2, flow);
            q.setString(3, mydate);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The (flow, mydate) pairs noticed late and not recovered since, as {@code flow/yyyyMMdd}. */
    public Set<String> lateNow() throws SQLException {
        Set<String> late = new java.util.TreeSet<>();
        try (Connection c = repository.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT l.flow, l.mydate FROM " + TABLE + " l WHERE l.event = 'late' AND NOT EXISTS (SELECT 1 FROM " + TABLE
                        + " r WHERE r.event = 'recovered' AND r.flow = l.flow AND r.mydate = l.mydate)")) {
            while (rs.next()) {
                late.add(rs.getString(1) + "/" + rs.getString(2));
            }
        }
        return late;
    }

    /**
     * Sends the notices that are due, oldest first, each once: a node takes them with {@code FOR UPDATE SKIP LOCKED}, so
     * two nodes never send the same one. Returns how many were sent.
     */
    public int sendDue() throws SQLException {
        if (settings.webhook().isEmpty()) {
            return 0;
        }
        int sent = 0;
        try (Connection c = repository.getConnection(); Jsonb jsonb = JsonbBuilder.create()) {
            c.setAutoCommit(false);
            // One at a time, each in its own transaction: the row stays locked while it is sent, and its outcome is kept
            // at once (a commit would free every row a batch had locked, for another node to send again).
            for (int round = 0; round < 20; round++) {
                try (PreparedStatement q = c.prepareStatement("SELECT id, attempts, body FROM " + TABLE + " WHERE state = 'pending'"
                        + " AND next_at <= ? ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED")) {
                    q.setTimestamp(1, Timestamp.from(clock.instant()));
                    try (ResultSet rs = q.executeQuery()) {
                        if (!rs.next()) {
                            c.commit();
                            break;
                        }
                        Notice notice = jsonb.fromJson(rs.getString(3), Notice.class);
                        Optional<String> failure = send(notice, jsonb);
                        after(c, rs.getLong(1), rs.getInt(2) + 1, notice, failure);
                        c.commit();
                        sent += failure.isEmpty() ? 1 : 0;
                    }
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            }
        } catch (SQLException | RuntimeException e) {
            throw e;
        } catch (Exception e) { // Jsonb.close
            throw new IllegalStateException("cannot read a recorded notice: " + e.getMessage(), e);
        }
        return sent;
    }

    /** Posts one notice; empty when the webhook took it, else why not (with the cause named, never just "null"). */
    Optional<String> send(Notice notice, Jsonb jsonb) {
        URI url = settings.webhook().orElseThrow();
        try {
            HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(settings.format().body(notice, jsonb))).build();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                return Optional.of("answered HTTP " + response.statusCode());
            }
            Matcher errcode = DINGTALK_ERROR.matcher(response.body());
            if (settings.format() == NoticeFormat.DINGTALK && errcode.find() && !errcode.group(1).equals("0")) {
                return Optional.of("answered errcode " + errcode.group(1) + ": " + shortened(response.body()));
            }
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        } catch (Exception e) {
            return Optional.of("not reached: " + cause(e));
        }
    }

    private void after(Connection c, long id, int attempts, Notice notice, Optional<String> failure) throws SQLException {
        Instant now = clock.instant();
        String host = settings.webhook().map(URI::getHost).orElse("?");
        String state;
        Instant next = now;
        if (failure.isEmpty()) {
            state = "sent";
        } else if (attempts >= MAX_ATTEMPTS) {
            state = "given-up";
            LOG.warning(() -> "notice " + notice.headline() + ": webhook " + host + " " + failure.get() + "; given up after " + attempts
                    + " attempts");
        } else {
            state = "pending";
            next = now.plus(FIRST_RETRY.multipliedBy(1L << (attempts - 1)));
            Instant retry = next;
            LOG.warning(() -> "notice " + notice.headline() + ": webhook " + host + " " + failure.get() + "; attempt " + attempts + " of "
                    + MAX_ATTEMPTS + ", next at " + retry);
        }
        try (PreparedStatement u = c.prepareStatement("UPDATE " + TABLE + " SET state = ?, attempts = ?, next_at = ?, sent_at = ?,"
                + " last_error = ? WHERE id = ?")) {
            u.setString(1, state);
            u.setInt(2, attempts);
            u.setTimestamp(3, Timestamp.from(next));
            u.setTimestamp(4, failure.isEmpty() ? Timestamp.from(now) : null);
            u.setString(5, failure.map(Notices::shortened).orElse(null));
            u.setLong(6, id);
            u.executeUpdate();
        }
    }

    /**
     * Sends due notices on a thread of its own until {@link #close()}: at once after a notice is recorded, and every 10 s
     * for retries and for what other processes recorded; {@code also} runs at each round (the deadline watch).
     */
    public void startSending(ThreadFactory threads, Runnable also) {
        Thread thread = threads.newThread(() -> {
            while (!closing) {
                try {
                    also.run();
                    sendDue();
                } catch (SQLException | RuntimeException e) {
                    LOG.warning(() -> "sending notices: " + e.getMessage());
                }
                try {
                    wake.tryAcquire(LOOK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
                    wake.drainPermits();
                } catch (InterruptedException e) {
                    return; // the server stops its threads
                }
            }
        });
        thread.setName("ferry-notices");
        sender = thread;
        thread.start();
    }

    /**
     * Stops sending; what this process recorded gets a last chance first (a webhook that is down leaves it for the
     * next process, any node, to send). A send in flight is let finish, not interrupted: an interrupted one would wait
     * for its retry.
     */
    @Override
    public void close() {
        closing = true;
        wake.release();
        Thread thread = sender;
        if (thread != null) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (settings.webhook().isPresent()) {
            try {
                sendDue();
            } catch (SQLException | RuntimeException e) {
                LOG.warning(() -> "notices not sent before the end of this process, left for the next one: " + e.getMessage());
            }
        }
    }

    /** The exception's kind and the first message its chain has: a refused connection's is often null at every level. */
    private static String cause(Throwable e) {
        String message = null;
        for (Throwable t = e; t != null && message == null; t = t.getCause() == t ? null : t.getCause()) {
            message = t.getMessage() == null || t.getMessage().isBlank() ? null : t.getMessage();
        }
        return e.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    }

    private static String shortened(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
