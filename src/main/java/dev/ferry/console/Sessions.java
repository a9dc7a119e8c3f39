package dev.ferry.console;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's logged-in browsers: a random session id (the cookie) and a random CSRF token per login,
 * ended by logout or after {@code idle} without a request. Kept in memory: a restart logs everyone out.
 */
public final class Sessions {

    /** A login: who, and the token every state-changing request of this session must send back. */
    public record Session(String id, Account account, String csrfToken) {
    }

    private record Entry(Session session, Instant lastUsed) {
    }

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Entry> sessions = new ConcurrentHashMap<>();
    private final Duration idle;
    private final Clock clock;

    public Sessions(Duration idle, Clock clock) {
        this.idle = idle;
        this.clock = clock;
    }

    public Session open(Account account) {
        Instant now = clock.instant();
        sessions.values().removeIf(e -> e.lastUsed().plus(idle).isBefore(now));
        Session session = new Session(token(), account, token());
        sessions.put(session.id(), new Entry(session, now));
        return session;
    }

    /** The session with this id, if it is open; using it keeps it open. */
    public Optional<Session> find(String id) {
        Instant now = clock.instant();
        Entry entry = sessions.computeIfPresent(id, (k, e) -> e.lastUsed().plus(idle).isBefore(now) ? null : new Entry(e.session(), now));
        return Optional.ofNullable(entry).map(Entry::session);
    }

    public void close(String id) {
        sessions.remove(id);
    }

    private String token() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
