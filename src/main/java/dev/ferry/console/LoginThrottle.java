package dev.ferry.console;

import dev.ferry.recovery.RepositorySetup;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Slows repeated wrong passwords down, per user and per client address, without locking the real user out
 * for long: after a few failures each further attempt must wait twice as long as the one before (at most a
 * minute), failures are forgotten after a quarter of an hour, and a right password clears them. The failures
 * are counted in the job repository, so that a guesser behind a load balancer meets the same count on every
 * node. Password checks (Argon2id, memory-hard on purpose) run a few at a time on each node, so that a flood of
 * logins does not starve the console's other calls.
 */
public final class LoginThrottle {

    /** A login that must wait: how long, and why. */
    public record Wait(Duration retryAfter, String reason) {
    }

    static final String TABLE = "ferry_login_failure";
    static final int FREE_PER_USER = 5;
    static final int FREE_PER_ADDRESS = 20;
    static final Duration MAX_DELAY = Duration.ofMinutes(1);
    static final Duration FORGET_AFTER = Duration.ofMinutes(15);
    private static final String USER = "user";
    private static final String ADDRESS = "address";

    private final Semaphore checks = new Semaphore(2, true);
    private final DataSource repository;
    private final Clock clock;

    public LoginThrottle(DataSource repository, Clock clock) {
        this.repository = repository;
        this.clock = clock;
    }

    /** The throttle of either runtime, with its table made where absent. */
    public static LoginThrottle from(DataSource repository, Clock clock) {
        LoginThrottle throttle = new LoginThrottle(repository, clock);
        try {
            RepositorySetup.exclusively(repository, () -> {
                throttle.createTableIfAbsent();
                return null;
            });
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set up the console's login failures table in the job repository: " + e.getMessage(), e);
        }
        return throttle;
    }

    void createTableIfAbsent() throws SQLException {
        try (Connection c = repository.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (kind varchar(8) NOT NULL, name varchar(255) NOT NULL,"
                    + " failures integer NOT NULL, last_at timestamptz NOT NULL, PRIMARY KEY (kind, name))");
        }
    }

    /** Whether a login of {@code user} from {@code address} must wait before its password is even checked. */
    public Optional<Wait> waitBefore(String user, String address) {
        Instant now = clock.instant();
        Optional<Duration> forUser = Optional.empty();
        Optional<Duration> forAddress = Optional.empty();
        try (Connection c = repository.getConnection(); PreparedStatement q = c.prepareStatement("SELECT kind, failures, last_at FROM "
                + TABLE + " WHERE (kind = '" + USER + "' AND name = ?) OR (kind = '" + ADDRESS + "' AND name = ?)")) {
            q.setString(1, key(user));
            q.setString(2, limited(address));
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    boolean byUser = USER.equals(rs.getString(1));
                    Optional<Duration> left = remaining(rs.getInt(2), rs.getTimestamp(3).toInstant(),
                            byUser ? FREE_PER_USER : FREE_PER_ADDRESS, now);
                    if (byUser) {
                        forUser = left;
                    } else {
                        forAddress = left;
                    }
                }
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
        if (forUser.isPresent()) {
            return forUser.map(d -> new Wait(d, "too many wrong passwords for this user"));
        }
        return forAddress.map(d -> new Wait(d, "too many wrong passwords from this address"));
    }

    /**
     * Checks a password, a few at a time; empty when the check could not get its turn at once (the caller answers 429).
     */
    public <T> Optional<T> check(Supplier<T> passwordCheck) {
        try {
            if (!checks.tryAcquire(250, TimeUnit.MILLISECONDS)) { // no request thread waits long for its turn
                return Optional.empty();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(passwordCheck.get());
        } finally {
            checks.release();
        }
    }

    public void failed(String user, String address) {
        Instant now = clock.instant();
        try (Connection c = repository.getConnection()) {
            // Names a client made up are not kept for ever.
            try (PreparedStatement forget = c.prepareStatement("DELETE FROM " + TABLE + " WHERE last_at < ?")) {
                forget.setTimestamp(1, Timestamp.from(now.minus(FORGET_AFTER)));
                forget.executeUpdate();
            }
            try (PreparedStatement count = c.prepareStatement("INSERT INTO " + TABLE + " AS f VALUES (?, ?, 1, ?)"
                    + " ON CONFLICT (kind, name) DO UPDATE SET failures = CASE WHEN f.last_at >= ? THEN f.failures + 1 ELSE 1 END,"
                    + " last_at = excluded.last_at")) {
                for (String[] row : new String[][] {{USER, key(user)}, {ADDRESS, limited(address)}}) {
                    count.setString(1, row[0]);
                    count.setString(2, row[1]);
                    count.setTimestamp(3, Timestamp.from(now));
                    count.setTimestamp(4, Timestamp.from(now.minus(FORGET_AFTER)));
                    count.addBatch();
                }
                count.executeBatch();
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    public void succeeded(String user, String address) {
        try (Connection c = repository.getConnection(); PreparedStatement clear = c.prepareStatement("DELETE FROM " + TABLE
                + " WHERE (kind = '" + USER + "' AND name = ?) OR (kind = '" + ADDRESS + "' AND name = ?)")) {
            clear.setString(1, key(user));
            clear.setString(2, limited(address));
            clear.executeUpdate();
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    private static Optional<Duration> remaining(int failures, Instant last, int free, Instant now) {
        if (failures < free || !last.plus(FORGET_AFTER).isAfter(now)) {
            return Optional.empty();
        }
        long seconds = Math.min(MAX_DELAY.toSeconds(), 1L << Math.min(failures - free, 10));
        Duration left = Duration.between(now, last.plusSeconds(seconds));
        return left.isNegative() || left.isZero() ? Optional.empty() : Optional.of(left);
    }

    private static String key(String user) {
        return limited(user.toLowerCase(Locale.ROOT));
    }

    private static String limited(String name) {
        return name.length() > 255 ? name.substring(0, 255) : name;
    }

    private static IllegalStateException unavailable(SQLException e) {
        return new IllegalStateException("the console's login failures in the job repository cannot be used: " + e.getMessage()
                + "; check that its database is up", e);
    }
}
