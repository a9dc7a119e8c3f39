package dev.ferry.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.FakeClock;
import dev.ferry.testing.Postgres;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Wrong console passwords counted in the job repository: a guesser who spreads attempts over two nodes behind a
 * load balancer is held off as on one, and the real user gets in again once the guessing stops. Time from a fake clock.
 */
class LoginThrottleTest {

    static Postgres postgres;
    static PGSimpleDataSource repository;
    final FakeClock clock = new FakeClock(Instant.parse("2026-12-06T08:00:00Z"), ZoneOffset.UTC);

    @BeforeAll
    static void createDatabase() throws Exception {
        postgres = new Postgres();
        repository = new PGSimpleDataSource();
        repository.setURL(postgres.createDatabase("throttle"));
        repository.setUser("postgres");
        LoginThrottle.from(repository, java.time.Clock.systemUTC());
    }

    @AfterAll
    static void dropDatabase() {
        postgres.close();
    }

    LoginThrottle node() {
        return new LoginThrottle(repository, clock);
    }

    @Test
    void wrongPasswordsSpreadOverTwoNodesHoldTheUserOffOnBoth() {
        LoginThrottle a = node();
        LoginThrottle b = node();
        for (int i = 0; i < LoginThrottle.FREE_PER_USER; i++) {
            assertThat((i % 2 == 0 ? a : b).waitBefore("Olga", "10.0.0." + i)).as("attempt %d is free", i + 1).isEmpty();
            (i % 2 == 0 ? a : b).failed("Olga", "10.0.0." + i);
        }

        assertThat(a.waitBefore("olga", "10.0.0.99")).as("one user, one spelling, any address").hasValueSatisfying(wait -> {
            assertThat(wait.reason()).isEqualTo("too many wrong passwords for this user");
            assertThat(wait.retryAfter()).isEqualTo(Duration.ofSeconds(1));
        });
        assertThat(b.waitBefore("OLGA", "10.0.0.99")).isPresent();
        assertThat(b.waitBefore("ivan", "10.0.0.99")).as("another user").isEmpty();
    }

    @Test
    void eachFurtherFailureDoublesTheWaitUpToAMinute() {
        LoginThrottle throttle = node();
        for (int i = 0; i < LoginThrottle.FREE_PER_USER + 3; i++) {
            throttle.failed("pavel", "10.1.0.1");
        }
        assertThat(throttle.waitBefore("pavel", "10.1.0.2")).map(LoginThrottle.Wait::retryAfter).hasValue(Duration.ofSeconds(8));
        for (int i = 0; i < 10; i++) {
            throttle.failed("pavel", "10.1.0.1");
        }
        assertThat(throttle.waitBefore("pavel", "10.1.0.2")).map(LoginThrottle.Wait::retryAfter).hasValue(Duration.ofMinutes(1));

        clock.advance(Duration.ofSeconds(61));
        assertThat(throttle.waitBefore("pavel", "10.1.0.2")).as("the wait is over").isEmpty();
    }

    @Test
    void failuresAreForgottenAfterAQuarterOfAnHourAndARightPasswordClearsThem() {
        LoginThrottle throttle = node();
        for (int i = 0; i < LoginThrottle.FREE_PER_USER + 1; i++) {
            throttle.failed("nina", "10.2.0.1");
        }
        clock.advance(Duration.ofMinutes(16));
        throttle.failed("nina", "10.2.0.1");
        assertThat(throttle.waitBefore("nina", "10.2.0.1")).as("the old failures no longer count").isEmpty();

        for (int i = 0; i < LoginThrottle.FREE_PER_USER; i++) {
            throttle.failed("nina", "10.2.0.1");
        }
        assertThat(throttle.waitBefore("nina", "10.2.0.1")).isPresent();
        throttle.succeeded("nina", "10.2.0.1");
        assertThat(throttle.waitBefore("nina", "10.2.0.1")).isEmpty();
    }

    @Test
    void oneAddressGuessingManyUsersIsHeldOffWithoutLockingOthersOut() {
        LoginThrottle throttle = node();
        for (int i = 0; i < LoginThrottle.FREE_PER_ADDRESS; i++) {
            throttle.failed("made-up-" + i, "203.0.113.7");
        }
        assertThat(throttle.waitBefore("vera", "203.0.113.7")).map(LoginThrottle.Wait::reason)
                .hasValue("too many wrong passwords from this address");
        assertThat(throttle.waitBefore("vera", "198.51.100.1")).as("the user from her own address").isEmpty();
    }
}
