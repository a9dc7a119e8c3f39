package dev.ferry.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.PerClassDatabases;
import dev.ferry.testing.Pipeline;
import dev.ferry.testing.Postgres;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** ferry serve and ferry schedule as a user runs them, in processes of their own. */
@ExtendWith(PerClassDatabases.class)
class ServeTest {

    static Pipeline pipeline;

    @BeforeAll
    static void setUp(Pipeline created) {
        pipeline = created;
        pipeline.config.set("ferry.timezone", "UTC").set("ferry.flow.timer-probe.schedule", "0 3 * * *");
    }

    @Test
    void scheduleShowsTheNextFireTimesWithTheirBusinessDates() {
        Pipeline.CliResult result = pipeline.cli("schedule", "--next", "2");

        ZonedDateTime next = ZonedDateTime.now(ZoneOffset.UTC).plusHours(21).truncatedTo(ChronoUnit.DAYS).plusHours(3);
        String date = next.format(DateTimeFormatter.ofPattern("yyyy-MM-dd"));
        String mydate = next.minusDays(1).format(DateTimeFormatter.ofPattern("yyyyMMdd"));
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).containsPattern("timer-probe\\s+" + date + " 03:00:00 UTC\\s+" + mydate + "\\s+'0 3 \\* \\* \\*' misfire catch-up");
    }

    @Test
    void aPausedFlowStartsNothingAtItsFireTimesUntilResumed() {
        assertThat(pipeline.cli("executions").exitCode()).isZero(); // any command creates Ferry's tables
        Postgres.execute(pipeline.repository, "INSERT INTO ferry_schedule_mark VALUES ('timer-probe', '"
                + Instant.now().minus(2, ChronoUnit.DAYS) + "')");
        try {
            Pipeline.CliResult paused = pipeline.cli("pause", "timer-probe");
            assertThat(paused.out()).contains("flow timer-probe: paused by cli:").contains("resume it with: ferry resume timer-probe");

            Pipeline.CliResult served = pipeline.cli("serve", "--once");
            assertThat(served.exitCode()).isZero();
            assertThat(served.out()).contains("PAUSED, paused by cli:").doesNotContain("started execution");
            assertThat(Postgres.count(pipeline.repository, "SELECT count(*) FROM ferry_claim WHERE flow = 'timer-probe'")).isZero();
            assertThat(pipeline.cli("schedule").out()).containsPattern("timer-probe .* PAUSED, paused by cli:\\S+ at ");
            assertThat(pipeline.cli("pause", "no-such-flow").err()).contains("no flow named 'no-such-flow'");

            Pipeline.CliResult resumed = pipeline.cli("resume", "timer-probe");
            assertThat(resumed.out()).contains("flow timer-probe: resumed (was paused by cli:")
                    .contains("the fire times it passed follow its misfire policy, catch-up");
            assertThat(pipeline.cli("schedule").out()).doesNotContain("PAUSED");
        } finally {
            Postgres.execute(pipeline.repository, "DELETE FROM ferry_schedule_mark WHERE flow = 'timer-probe'", "DELETE FROM ferry_pause");
        }
    }

    @Test
    void twoServeProcessesCatchingUpAThreeDayGapStartEachBusinessDateOnce() throws Exception {
        // Both schedulers last handled the flow three days ago and start at the same moment.
        Instant threeDaysAgo = Instant.now().minus(3, ChronoUnit.DAYS);
        assertThat(pipeline.cli("executions").exitCode()).isZero(); // any command creates Ferry's tables
        Postgres.execute(pipeline.repository, "INSERT INTO ferry_schedule_mark VALUES ('timer-probe', '" + threeDaysAgo + "')");
        List<Process> servers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            servers.add(pipeline.ferryProcess(List.of(), "serve", "--once").start());
        }
        List<String> outputs = new ArrayList<>();
        for (Process server : servers) {
            outputs.add(new String(server.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            assertThat(server.waitFor(2, TimeUnit.MINUTES)).isTrue();
        }
        outputs.forEach(System.out::print);

        List<String> missed = new ArrayList<>();
        for (ZonedDateTime fire = threeDaysAgo.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS).plusHours(3);
             !fire.toInstant().isAfter(Instant.now()); fire = fire.plusDays(1)) {
            if (fire.toInstant().isAfter(threeDaysAgo)) {
                missed.add(fire.minusDays(1).format(DateTimeFormatter.ofPattern("yyyyMMdd")));
            }
        }
        assertThat(missed).hasSize(3);
        assertThat(Postgres.count(pipeline.repository, "SELECT count(*) FROM ferry_claim WHERE flow = 'timer-probe'")).isEqualTo(3);
        assertThat(Postgres.count(pipeline.repository, "SELECT count(DISTINCT mydate) FROM ferry_claim WHERE flow = 'timer-probe'"
                + " AND mydate IN ('" + String.join("','", missed) + "')")).isEqualTo(3);
        assertThat(Postgres.count(pipeline.repository, "SELECT count(*) FROM job_execution e JOIN job_instance i"
                + " ON i.jobinstanceid = e.jobinstanceid WHERE i.jobname = 'timer-probe' AND e.batchstatus = 'COMPLETED'")).isEqualTo(3);
        assertThat(String.join("", outputs)).contains("(missed)").contains("started execution");
        assertThat(Postgres.count(pipeline.repository, "SELECT count(*) FROM ferry_claim a JOIN job_execution ea ON ea.jobexecutionid = a.execution_id"
                + " JOIN ferry_claim b ON b.flow = a.flow AND b.mydate > a.mydate JOIN job_execution eb ON eb.jobexecutionid = b.execution_id"
                + " WHERE eb.starttime < ea.endtime")).as("missed dates ran one after the other, oldest first").isZero();
    }
}
