package dev.ferry.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.testing.FakeClock;
import dev.ferry.testing.Postgres;
import dev.ferry.variables.BusinessDate;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Which business dates a scheduler runs, with a fake clock: on time, after a gap (each misfire policy),
 * across month, year and daylight-saving changes; claims make each date run once.
 */
class SchedulerTest {

    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    static Postgres postgres;
    static PGSimpleDataSource dataSource;
    Watermarks watermarks;
    Pauses pauses;
    Claims claims;
    final AtomicLong executions = new AtomicLong();

    @BeforeAll
    static void createDatabase() {
        postgres = new Postgres();
        dataSource = new PGSimpleDataSource();
        dataSource.setURL(postgres.createDatabase("sched"));
        dataSource.setUser("postgres");
    }

    @AfterAll
    static void dropDatabase() {
        postgres.close();
    }

    @BeforeEach
    void emptyTables() throws SQLException {
        watermarks = new Watermarks(dataSource);
        claims = new Claims(dataSource);
        pauses = new Pauses(dataSource);
        watermarks.createTableIfAbsent();
        claims.createTableIfAbsent();
        pauses.createTableIfAbsent();
        try (var c = dataSource.getConnection(); var s = c.createStatement()) {
            s.execute("TRUNCATE " + Watermarks.TABLE + ", " + Claims.TABLE + ", " + Pauses.TABLE);
        }
    }

    /** A launcher that claims for real and counts a start for each claim it wins. */
    private Scheduler scheduler(FakeClock clock, Schedule... schedules) {
        Scheduler.Launcher launcher = (schedule, mydate, missed) -> {
            try {
                return claims.claim(schedule.flow(), mydate, "test", false, null)
                        ? OptionalLong.of(executions.incrementAndGet()) : OptionalLong.empty();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        };
        return new Scheduler(List.of(schedules), watermarks, pauses, launcher, clock, Duration.ofMinutes(1));
    }

    private static List<String> started(List<Scheduler.Fired> fired) {
        return fired.stream().filter(f -> f.executionId().isPresent()).map(f -> f.mydate().toString()).toList();
    }

    @Test
    void aFirstStartMissesNothingAndAFireOnTimeRunsTheDayBefore() throws SQLException {
        FakeClock clock = new FakeClock(ZonedDateTime.of(2024, 3, 1, 2, 0, 0, 0, SHANGHAI).toInstant(), SHANGHAI);
        Scheduler scheduler = scheduler(clock, new Schedule("rds-to-adb", "30 2 * * *", SHANGHAI));

        assertThat(scheduler.tick()).isEmpty();
        assertThat(scheduler.nextFire()).contains(ZonedDateTime.of(2024, 3, 1, 2, 30, 0, 0, SHANGHAI));

        clock.advance(Duration.ofMinutes(30).plusSeconds(2));
        List<Scheduler.Fired> fired = scheduler.tick();
        assertThat(started(fired)).containsExactly("20240229");
        assertThat(fired.get(0).missed()).isFalse();
        assertThat(scheduler.tick()).as("nothing twice").isEmpty();
    }

    @Test
    void aFireTimeRunsOnceAndOnTimeWhenEverySleepEndsAMillisecondEarly() throws Exception {
        for (int step = 1; step <= 20; step++) {
            assertThat(servedFrom2001To2005(Duration.ofNanos(step * 70_000L), Duration.ofMillis(-1)))
                    .as("each reading %d µs later", step * 70).containsExactly("20:03 20240313 on time");
        }
    }

    @Test
    void aFireTimeRunsOnceAndOnTimeWhenEverySleepEndsAMillisecondLate() throws Exception {
        for (int step = 1; step <= 20; step++) {
            assertThat(servedFrom2001To2005(Duration.ofNanos(step * 70_000L), Duration.ofMillis(1)))
                    .as("each reading %d µs later", step * 70).containsExactly("20:03 20240313 on time");
        }
    }

    /**
     * serve from 20:01:30 with a daily schedule at 20:03 under misfire skip, where a fire time handled late is
     * lost: every sleep ends {@code off} from what was asked and the clock moves on by {@code perReading} at
     * each reading (the time a tick's work takes), as it did when the watermark stopped just short of 20:03,
     * the clock was past it when the next wait was computed, and the day's run was lost.
     */
    private List<String> servedFrom2001To2005(Duration perReading, Duration off) throws Exception {
        emptyTables();
        executions.set(0);
        Instant start = ZonedDateTime.of(2024, 3, 14, 20, 1, 30, 0, SHANGHAI).toInstant();
        Instant end = ZonedDateTime.of(2024, 3, 14, 20, 5, 0, 0, SHANGHAI).toInstant();
        FakeClock clock = new FakeClock(start, SHANGHAI);
        clock.moveOnEachReading(perReading);
        Scheduler scheduler = scheduler(clock, new Schedule("x", "03 20 * * *", SHANGHAI, MisfirePolicy.SKIP));
        List<String> fired = new ArrayList<>();
        Scheduler.Sleeper sleeper = duration -> {
            Duration slept = duration.plus(off);
            clock.advance(slept.isNegative() ? Duration.ZERO : slept);
            if (clock.instant().isAfter(end)) {
                throw new InterruptedException("the test's end");
            }
        };
        assertThatThrownBy(() -> scheduler.serve(sleeper, f -> fired.add(String.format("%tR %s %s",
                        f.fireTime(), f.mydate(), f.missed() ? "missed" : "on time")), e -> fired.add("failed: " + e)))
                .isInstanceOf(InterruptedException.class);
        assertThat(executions).as("runs started").hasValue(fired.size());
        return fired;
    }

    @Test
    void catchUpRunsEveryDateMissedInAThreeDayGapOldestFirst() throws SQLException {
        assertThat(afterAThreeDayGap(MisfirePolicy.CATCH_UP)).containsExactly("20240227", "20240228", "20240229");
    }

    @Test
    void latestRunsOnlyTheNewestMissedDate() throws SQLException {
        assertThat(afterAThreeDayGap(MisfirePolicy.LATEST)).containsExactly("20240229");
    }

    @Test
    void skipRunsNoneOfThemAndDoesNotAskAgain() throws SQLException {
        assertThat(afterAThreeDayGap(MisfirePolicy.SKIP)).isEmpty();
    }

    /** The scheduler last ran on 27 February at 03:00 and starts again on 1 March at 09:00. */
    private List<String> afterAThreeDayGap(MisfirePolicy policy) throws SQLException {
        FakeClock clock = new FakeClock(ZonedDateTime.of(2024, 2, 27, 3, 0, 0, 0, SHANGHAI).toInstant(), SHANGHAI);
        Scheduler scheduler = scheduler(clock, new Schedule("rds-to-adb", "30 2 * * *", SHANGHAI, policy));
        scheduler.tick();

        clock.set(ZonedDateTime.of(2024, 3, 1, 9, 0, 0, 0, SHANGHAI).toInstant());
        List<Scheduler.Fired> fired = scheduler.tick();

        assertThat(fired).allMatch(Scheduler.Fired::missed);
        assertThat(scheduler.tick()).isEmpty();
        return started(fired);
    }

    @Test
    void aPausedFlowStartsNothingAcrossItsFireTimesAndOnResumeItsMisfirePolicyDecides() throws SQLException {
        for (MisfirePolicy policy : MisfirePolicy.values()) {
            emptyTables();
            FakeClock clock = new FakeClock(ZonedDateTime.of(2024, 2, 27, 3, 0, 0, 0, SHANGHAI).toInstant(), SHANGHAI);
            Scheduler scheduler = scheduler(clock, new Schedule("rds-to-adb", "30 2 * * *", SHANGHAI, policy));
            Scheduler peer = scheduler(clock, new Schedule("rds-to-adb", "30 2 * * *", SHANGHAI, policy));
            scheduler.tick();
            pauses.pause("rds-to-adb", "console:olga@etl-01", clock.instant());

            for (int day = 28; day <= 29; day++) {
                clock.set(ZonedDateTime.of(2024, 2, day, 2, 30, 1, 0, SHANGHAI).toInstant());
                assertThat(scheduler.tick()).as("%s: paused on the 2%d", policy, day).isEmpty();
                assertThat(peer.tick()).as("%s: and on the other node", policy).isEmpty();
            }
            assertThat(scheduler.nextFire()).as("no fire time to wait for while paused").isEmpty();

            clock.set(ZonedDateTime.of(2024, 3, 1, 9, 0, 0, 0, SHANGHAI).toInstant());
            assertThat(pauses.resume("rds-to-adb")).map(Pauses.Pause::by).hasValue("console:olga@etl-01");
            List<String> resumed = started(scheduler.tick());

            assertThat(resumed).as(policy.toString()).isEqualTo(switch (policy) {
                case CATCH_UP -> List.of("20240227", "20240228", "20240229");
                case LATEST -> List.of("20240229");
                case SKIP -> List.<String>of();
            });
        }
    }

    @Test
    void twoSchedulersSideBySideStartEachDateOnce() throws SQLException {
        FakeClock clock = new FakeClock(ZonedDateTime.of(2024, 12, 29, 3, 0, 0, 0, SHANGHAI).toInstant(), SHANGHAI);
        Schedule daily = new Schedule("rds-to-adb", "30 2 * * *", SHANGHAI);
        Scheduler first = scheduler(clock, daily);
        Scheduler second = scheduler(clock, daily);
        first.tick();

        clock.set(ZonedDateTime.of(2025, 1, 2, 9, 0, 0, 0, SHANGHAI).toInstant());
        List<String> byFirst = started(first.tick());
        List<String> bySecond = started(second.tick());

        assertThat(byFirst).containsExactly("20241229", "20241230", "20241231", "20250101");
        assertThat(bySecond).isEmpty();
    }

    @Test
    void daylightSavingChangesNeitherSkipNorRepeatABusinessDate() throws SQLException {
        // 02:30 does not exist in New York on 10 March 2024; 01:30 happens twice on 3 November 2024.
        FakeClock clock = new FakeClock(ZonedDateTime.of(2024, 3, 8, 12, 0, 0, 0, NEW_YORK).toInstant(), NEW_YORK);
        Scheduler spring = scheduler(clock, new Schedule("spring", "30 2 * * *", NEW_YORK), new Schedule("fall", "30 1 * * *", NEW_YORK));
        spring.tick();

        clock.set(ZonedDateTime.of(2024, 3, 12, 12, 0, 0, 0, NEW_YORK).toInstant());
        List<Scheduler.Fired> march = spring.tick();
        assertThat(march.stream().filter(f -> f.flow().equals("spring") && f.executionId().isPresent()).map(f -> f.mydate().toString()))
                .containsExactly("20240308", "20240309", "20240310", "20240311");

        watermarks.advance("fall", ZonedDateTime.of(2024, 11, 1, 12, 0, 0, 0, NEW_YORK).toInstant());
        watermarks.advance("spring", ZonedDateTime.of(2024, 11, 1, 12, 0, 0, 0, NEW_YORK).toInstant());
        clock.set(ZonedDateTime.of(2024, 11, 4, 12, 0, 0, 0, NEW_YORK).toInstant());
        List<Scheduler.Fired> november = spring.tick();
        assertThat(november.stream().filter(f -> f.flow().equals("fall") && f.executionId().isPresent()).map(f -> f.mydate().toString()))
                .containsExactly("20241101", "20241102", "20241103");
    }

    @Test
    void theBusinessDateFollowsTheFlowsZoneNotTheMachines() {
        Schedule utcMidnight = new Schedule("f", "0 0 * * *", ZoneId.of("UTC"));
        ZonedDateTime fire = utcMidnight.nextFireAfter(ZonedDateTime.of(2024, 12, 31, 20, 0, 0, 0, SHANGHAI));
        assertThat(utcMidnight.businessDateFor(fire)).isEqualTo(BusinessDate.parse("20241231"));
    }

    @Test
    void aClaimTableFromBeforeForcedRerunsIsBroughtUpToDate() throws SQLException {
        try (var c = dataSource.getConnection(); var s = c.createStatement()) {
            s.execute("DROP TABLE " + Claims.TABLE);
            s.execute("CREATE TABLE " + Claims.TABLE + " (flow varchar(255) NOT NULL, mydate char(8) NOT NULL,"
                    + " claimed_at timestamptz NOT NULL DEFAULT now(), claimed_by varchar(255) NOT NULL, execution_id bigint,"
                    + " CONSTRAINT " + Claims.TABLE + "_once UNIQUE (flow, mydate))");
        }
        claims.createTableIfAbsent();

        assertThat(claims.claim("f", BusinessDate.parse("20240101"), "test", false, null)).isTrue();
        assertThat(claims.claim("f", BusinessDate.parse("20240101"), "test", true, null)).isTrue();
        assertThat(claims.find("f", BusinessDate.parse("20240101")).orElseThrow().forced()).isTrue();
    }
}
