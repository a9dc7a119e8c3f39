package dev.ferry.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.FakeClock;
import dev.ferry.testing.Postgres;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Console logins kept in the job repository: two nodes behind a load balancer see the same sessions, and a
 * session ends after its idle time and, however busy, after its lifetime. Time from a fake clock.
 */
class SessionsTest {

    static Postgres postgres;
    static PGSimpleDataSource repository;
    final FakeClock clock = new FakeClock(Instant.parse("2026-12-06T08:00:00Z"), ZoneOffset.UTC);
    final Account olga = new Account("olga", Set.of(Role.OPERATOR));

    @BeforeAll
    static void createDatabase() throws Exception {
        postgres = new Postgres();
        repository = new PGSimpleDataSource();
        repository.setURL(postgres.createDatabase("sessions"));
        repository.setUser("postgres");
        new Sessions(repository, Duration.ofMinutes(30), Duration.ofHours(12), java.time.Clock.systemUTC()).createTableIfAbsent();
    }

    @AfterAll
    static void dropDatabase() {
        postgres.close();
    }

    Sessions node(Duration idle, Duration lifetime) {
        return new Sessions(repository, idle, lifetime, clock);
    }

    @Test
    void aLoginOnOneNodeIsValidOnTheOtherAndALogoutThereEndsIt() {
        Sessions first = node(Duration.ofMinutes(30), Duration.ofHours(12));
        Sessions second = node(Duration.ofMinutes(30), Duration.ofHours(12));

        Sessions.Session session = first.open(olga);

        assertThat(second.find(session.id())).hasValueSatisfying(found -> {
            assertThat(found.account()).isEqualTo(olga);
            assertThat(found.csrfToken()).as("the same CSRF token on both nodes").isEqualTo(session.csrfToken());
        });
        second.close(session.id());
        assertThat(first.find(session.id())).isEmpty();
    }

    @Test
    void aSessionEndsAfterItsIdleTimeWithoutARequest() {
        Sessions sessions = node(Duration.ofMinutes(30), Duration.ofHours(12));
        Sessions.Session session = sessions.open(olga);

        clock.advance(Duration.ofMinutes(29));
        assertThat(sessions.find(session.id())).as("used within 30 minutes").isPresent();
        clock.advance(Duration.ofMinutes(29));
        assertThat(sessions.find(session.id())).as("the last use keeps it open").isPresent();
        clock.advance(Duration.ofMinutes(31));
        assertThat(sessions.find(session.id())).as("idle for 31 minutes").isEmpty();
    }

    @Test
    void aSessionInUseEndsAfterItsLifetime() {
        Sessions sessions = node(Duration.ofMinutes(30), Duration.ofHours(2));
        Sessions.Session session = sessions.open(olga);

        for (int i = 0; i < 7; i++) {
            clock.advance(Duration.ofMinutes(17));
            assertThat(sessions.find(session.id())).as("in use after %d minutes", (i + 1) * 17).isPresent();
        }
        clock.advance(Duration.ofMinutes(2));
        assertThat(sessions.find(session.id())).as("2 hours and 1 minute after the login").isEmpty();
    }

    @Test
    void theTableHoldsNoUsableSessionId() {
        Sessions.Session session = node(Duration.ofMinutes(30), Duration.ofHours(12)).open(olga);

        assertThat(Postgres.count(repository.getURL(), "SELECT count(*) FROM " + Sessions.TABLE + " WHERE id_sha256 = '" + session.id() + "'"))
                .isZero();
    }
}
