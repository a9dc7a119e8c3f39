package dev.ferry.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Slows repeated wrong passwords down, per user and per client address, without locking the real user out
 * for long: after a few failures each further attempt must wait twice as long as the one before (at most a
 * minute), failures are forgotten after a quarter of an hour, and a right password clears them. Password
 * checks (Argon2id, memory-hard on purpose) run a few at a time, so that a flood of logins does not starve
 * the console's other calls.
 */
public final class LoginThrottle {

    /** A login that must wait: how long, and why. */
    public record Wait(Duration retryAfter, String reason) {
    }

    private record Failures(int count, Instant last) {
    }

    static final int FREE_PER_USER = 5;
    static final int FREE_PER_ADDRESS = 20;
    static final Duration MAX_DELAY = Duration.ofMinutes(1);
    static final Duration FORGET_AFTER = Duration.ofMinutes(15);

    private final Map<String, Failures> byUser = new ConcurrentHashMap<>();
    private final Map<String, Failures> byAddress = new ConcurrentHashMap<>();
    private final Semaphore checks = new Semaphore(2, true);
    private final Clock clock;

    public LoginThrottle(Clock clock) {
        this.clock = clock;
    }

    /** Whether a login of {@code user} from {@code address} must wait before its password is even checked. */
    public Optional<Wait> waitBefore(String user, String address) {
        Instant now = clock.instant();
        Optional<Duration> forUser = remaining(byUser.get(key(user)), FREE_PER_USER, now);
        if (forUser.isPresent()) {
            return forUser.map(d -> new Wait(d, "too many wrong passwords for this user"));
        }
        return remaining(byAddress.get(address), FREE_PER_ADDRESS, now).map(d -> new Wait(d, "too many wrong passwords from this address"));
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
        byUser.merge(key(user), new Failures(1, now), (a, b) -> new Failures(fresh(a, now) ? a.count() + 1 : 1, now));
        byAddress.merge(address, new Failures(1, now), (a, b) -> new Failures(fresh(a, now) ? a.count() + 1 : 1, now));
        if (byUser.size() > 10_000) {
            byUser.values().removeIf(f -> !fresh(f, now)); // names a client made up are not kept for ever
        }
    }

    public void succeeded(String user, String address) {
        byUser.remove(key(user));
        byAddress.remove(address);
    }

    private static Optional<Duration> remaining(Failures failures, int free, Instant now) {
        if (failures == null || failures.count() < free || !fresh(failures, now)) {
            return Optional.empty();
        }
        long seconds = Math.min(MAX_DELAY.toSeconds(), 1L << Math.min(failures.count() - free, 10));
        Duration left = Duration.between(now, failures.last().plusSeconds(seconds));
        return left.isNegative() || left.isZero() ? Optional.empty() : Optional.of(left);
    }

    private static boolean fresh(Failures failures, Instant now) {
        return failures.last().plus(FORGET_AFTER).isAfter(now);
    }

    private static String key(String user) {
        return user.toLowerCase(Locale.ROOT);
    }
}
