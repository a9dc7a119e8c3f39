package dev.ferry.console;

import dev.ferry.config.Settings;
import dev.ferry.partition.FileDigest;
import dev.ferry.recovery.RepositorySetup;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.Config;

/**
 * The console's logged-in browsers: a random session id (the cookie) and a random CSRF token per login, kept in
 * the job repository's database so that a login on one node is valid on every node behind a load balancer. Only
 * the SHA-256 of a session id is stored: whoever reads the table cannot use it. A session ends at logout, after
 * {@code idle} without a request, and in any case {@code lifetime} after the login.
 */
public final class Sessions {

    /** A login: who, and the token every state-changing request of this session must send back. */
    public record Session(String id, Account account, String csrfToken) {
    }

    static final String TABLE = "ferry_console_session";
    /** A session's last use is written at most this often, not on every request. */
    private static final Duration TOUCH_EVERY = Duration.ofSeconds(30);

    private final SecureRandom random = new SecureRandom();
    private final DataSource repository;
    private final Duration idle;
    private final Duration lifetime;
    private final Clock clock;

    public Sessions(DataSource repository, Duration idle, Duration lifetime, Clock clock) {
        this.repository = repository;
        this.idle = idle;
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /**
     * The sessions of either runtime, from {@code ferry.console.session-idle-minutes} (default 480) and
     * {@code ferry.console.session-max-hours} (default 12), with their table made where absent.
     */
    public static Sessions from(Config config, DataSource repository, Clock clock) {
        Duration idle = Duration.ofMinutes(Settings.wholeNumber(config, "ferry.console.session-idle-minutes", 480, 1, 525_600));
        Duration lifetime = Duration.ofHours(Settings.wholeNumber(config, "ferry.console.session-max-hours", 12, 1, 8_760));
        Sessions sessions = new Sessions(repository, idle, lifetime, clock);
        try {
            RepositorySetup.exclusively(repository, () -> {
                sessions.createTableIfAbsent();
                return null;
            });
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set up the console's session table in the job repository: " + e.getMessage(), e);
        }
        return sessions;
    }

    void createTableIfAbsent() throws SQLException {
        try (Connection c = repository.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (id_sha256 char(64) PRIMARY KEY, account varchar(255) NOT NULL,"
                    + " roles varchar(255) NOT NULL, csrf varchar(64) NOT NULL, opened_at timestamptz NOT NULL, used_at timestamptz NOT NULL)");
        }
    }

    public Session open(Account account) {
        Instant now = clock.instant();
        Session session = new Session(token(), account, token());
        try (Connection c = repository.getConnection()) {
            try (PreparedStatement expired = c.prepareStatement("DELETE FROM " + TABLE + " WHERE used_at < ? OR opened_at < ?")) {
                expired.setTimestamp(1, Timestamp.from(now.minus(idle)));
                expired.setTimestamp(2, Timestamp.from(now.minus(lifetime)));
                expired.executeUpdate();
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + TABLE + " VALUES (?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, hash(session.id()));
                insert.setString(2, account.name());
                insert.setString(3, account.roles().stream().map(Enum::name).sorted().collect(Collectors.joining(",")));
                insert.setString(4, session.csrfToken());
                insert.setTimestamp(5, Timestamp.from(now));
                insert.setTimestamp(6, Timestamp.from(now));
                insert.executeUpdate();
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
        return session;
    }

    /** The session with this id, if it is open; using it keeps it open, up to its lifetime. */
    public Optional<Session> find(String id) {
        Instant now = clock.instant();
        try (Connection c = repository.getConnection(); PreparedStatement q = c.prepareStatement(
                "SELECT account, roles, csrf, opened_at, used_at FROM " + TABLE + " WHERE id_sha256 = ?")) {
            q.setString(1, hash(id));
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Instant opened = rs.getTimestamp(4).toInstant();
                Instant used = rs.getTimestamp(5).toInstant();
                if (used.plus(idle).isBefore(now) || opened.plus(lifetime).isBefore(now)) {
                    close(id);
                    return Optional.empty();
                }
                if (used.plus(TOUCH_EVERY).isBefore(now)) {
                    touch(c, id, now);
                }
                Set<Role> roles = EnumSet.noneOf(Role.class);
                for (String role : rs.getString(2).split(",")) {
                    if (!role.isBlank()) {
                        roles.add(Role.valueOf(role));
                    }
                }
                return Optional.of(new Session(id, new Account(rs.getString(1), roles), rs.getString(3)));
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    public void close(String id) {
        try (Connection c = repository.getConnection(); PreparedStatement delete = c.prepareStatement(
                "DELETE FROM " + TABLE + " WHERE id_sha256 = ?")) {
            delete.setString(1, hash(id));
            delete.executeUpdate();
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    private static void touch(Connection c, String id, Instant now) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE " + TABLE + " SET used_at = ? WHERE id_sha256 = ?")) {
            update.setTimestamp(1, Timestamp.from(now));
            update.setString(2, hash(id));
            update.executeUpdate();
        }
    }

    private static String hash(String id) {
        return FileDigest.sha256(id.getBytes(StandardCharsets.UTF_8));
    }

    private static IllegalStateException unavailable(SQLException e) {
        return new IllegalStateException("the console's sessions in the job repository cannot be used: " + e.getMessage()
                + "; check that its database is up", e);
    }

    private String token() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
