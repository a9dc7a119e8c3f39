package dev.ferry.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.Await;
import dev.ferry.testing.FlowFile;
import dev.ferry.testing.PerClassDatabases;
import dev.ferry.testing.Pipeline;
import dev.ferry.testing.Postgres;
import dev.ferry.variables.BusinessDate;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A night of flows that depend on each other by business date ({@code ferry.flow.FLOW.after}): a fact flow's run of a
 * date starts only once its dimension flow has COMPLETED that date, whether it is started by hand, waits on the
 * command line, or is scheduled; an after list that could never be satisfied is refused before anything runs.
 */
@ExtendWith(PerClassDatabases.class)
class AfterFlowsTest {

    static Pipeline pipeline;

    @BeforeAll
    static void setUp(Pipeline created) {
        pipeline = created;
        Path flows = pipeline.flowsFolder();
        Postgres.execute(pipeline.warehouse, "CREATE TABLE t_order (flow text, mydate text, at timestamptz DEFAULT clock_timestamp())");
        for (String flow : List.of("dim", "dim2", "fact", "loop-a", "loop-b")) {
            FlowFile.named(flow).step("note", "sql", "database", "warehouse", "script",
                    "INSERT INTO t_order (flow, mydate) VALUES ('" + flow + "', '${mydate}')").writeTo(flows);
        }
        pipeline.config.set("ferry.timezone", "UTC").set("ferry.flow.fact.after", "dim")
                .set("ferry.flow.loop-a.after", "loop-b").set("ferry.flow.loop-b.after", "loop-a");
    }

    @Test
    void aDownstreamRunIsRefusedNamingItsUpstreamUntilThatHasCompletedTheDate() {
        Pipeline.CliResult early = pipeline.cli("run", "fact", "-d", "20240102");

        assertThat(early.exitCode()).isEqualTo(2);
        assertThat(early.err()).contains("flow fact, mydate 20240102 waits for dim (no COMPLETED run of 20240102 yet")
                .contains("give --wait");
        assertThat(Postgres.count(pipeline.warehouse, "SELECT count(*) FROM t_order WHERE mydate = '20240102'")).isZero();

        assertThat(pipeline.cli("run", "dim", "-d", "20240102").exitCode()).isZero();
        assertThat(pipeline.cli("run", "fact", "-d", "20240102").exitCode()).isZero();
        assertThat(Postgres.text(pipeline.warehouse, "SELECT string_agg(flow, ',' ORDER BY at) FROM t_order WHERE mydate = '20240102'"))
                .isEqualTo("dim,fact");
    }

    @Test
    void runWithWaitStartsTheDownstreamOnceTheUpstreamHasCompletedItsDate() throws Exception {
        Process waiting = pipeline.ferryProcess(List.of(), "run", "fact", "-d", "20240103", "--wait")
                .redirectOutput(pipeline.dir().resolve("wait.log").toFile()).start();
        try {
            Await.until("fact says it waits", Duration.ofSeconds(60), () -> java.nio.file.Files.exists(pipeline.dir().resolve("wait.log"))
                    && java.nio.file.Files.readString(pipeline.dir().resolve("wait.log")).contains("waits for dim"));
            assertThat(Postgres.count(pipeline.warehouse, "SELECT count(*) FROM t_order WHERE mydate = '20240103'")).isZero();

            assertThat(pipeline.cli("run", "dim", "-d", "20240103").exitCode()).isZero();

            assertThat(waiting.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(waiting.exitValue()).as(java.nio.file.Files.readString(pipeline.dir().resolve("wait.log"))).isZero();
        } finally {
            waiting.destroyForcibly();
        }
        assertThat(Postgres.text(pipeline.warehouse, "SELECT string_agg(flow, ',' ORDER BY at) FROM t_order WHERE mydate = '20240103'"))
                .isEqualTo("dim,fact");
    }

    @Test
    void aScheduledRunWaitsWithoutAThreadForItsTwoUpstreamsAndStartsWithinSecondsOfTheSecondCompleting() throws Exception {
        String yesterday = BusinessDate.forRunAt(ZonedDateTime.now(ZoneOffset.UTC), ZoneOffset.UTC).toString();
        pipeline.config.set("ferry.flow.fact.schedule", "*/2 * * * * ?").set("ferry.flow.fact.after", "dim,dim2");
        Process serve = pipeline.ferryProcess(List.of(), "serve").redirectOutput(pipeline.dir().resolve("serve.log").toFile()).start();
        try {
            Await.until("the fact's date waits", Duration.ofSeconds(60), () -> Postgres.count(pipeline.repository,
                    "SELECT count(*) FROM ferry_waiting WHERE flow = 'fact' AND mydate = '" + yesterday + "'") == 1);
            assertThat(Postgres.count(pipeline.warehouse, "SELECT count(*) FROM t_order WHERE mydate = '" + yesterday + "'")).isZero();

            assertThat(pipeline.cli("run", "dim", "-d", yesterday).exitCode()).isZero();
            Await.until("the fact's date waits for dim2 only", Duration.ofSeconds(30), () -> Postgres.count(pipeline.repository,
                    "SELECT count(*) FROM ferry_waiting WHERE flow = 'fact' AND upstreams = 'dim2'") == 1);
            assertThat(Postgres.count(pipeline.warehouse, "SELECT count(*) FROM t_order WHERE flow = 'fact' AND mydate = '" + yesterday + "'"))
                    .isZero();
            assertThat(pipeline.cli("executions").out()).as("the waiting date, beside the executions")
                    .containsPattern("-\\s+fact\\s+" + yesterday + "\\s+WAITING\\s+since .*, for dim2 \\(ferry.flow.fact.after\\)");

            assertThat(pipeline.cli("run", "dim2", "-d", yesterday).exitCode()).isZero();

            Await.until("the fact ran", Duration.ofSeconds(60), () -> Postgres.count(pipeline.warehouse,
                    "SELECT count(*) FROM t_order WHERE flow = 'fact' AND mydate = '" + yesterday + "'") == 1);
            assertThat(Postgres.count(pipeline.warehouse, "SELECT extract(epoch FROM max(at) FILTER (WHERE flow = 'fact')"
                    + " - max(at) FILTER (WHERE flow = 'dim2'))::bigint FROM t_order WHERE mydate = '" + yesterday + "'"))
                    .as("seconds from the second upstream's end to the downstream's step").isBetween(0L, 10L);
            Await.until("nothing waits any more", Duration.ofSeconds(10), () -> Postgres.count(pipeline.repository,
                    "SELECT count(*) FROM ferry_waiting") == 0);
            assertThat(java.nio.file.Files.readString(pipeline.dir().resolve("serve.log"))).contains("waits for dim").contains("WAITING")
                    .doesNotContain("claimed by nobody");
        } finally {
            serve.destroyForcibly();
            serve.waitFor(30, TimeUnit.SECONDS);
            pipeline.config.remove("ferry.flow.fact.schedule").set("ferry.flow.fact.after", "dim");
        }
        assertThat(Postgres.count(pipeline.warehouse, "SELECT count(*) FROM t_order WHERE flow = 'fact' AND mydate = '" + yesterday + "'"))
                .as("once").isEqualTo(1);
    }

    @Test
    void aBackfillOfSeveralFlowsRunsEachDatesUpstreamsFirstAndStopsADatesDownstreamsWhenItsUpstreamFails() {
        FlowFile.named("agg").step("note", "sql", "database", "warehouse", "script",
                "INSERT INTO t_order (flow, mydate) VALUES ('agg', '${mydate}')").writeTo(pipeline.flowsFolder());
        pipeline.config.set("ferry.flow.agg.after", "fact");
        try {
            Pipeline.CliResult night = pipeline.cli("backfill", "--flows", "agg,fact,dim", "--from", "20240201", "--to", "20240203",
                    "--parallel", "3");
            assertThat(night.exitCode()).as(night.all()).isZero();
            assertThat(night.out()).containsPattern("20240201\\s+dim\\s+started\\s+\\d+\\s+COMPLETED").contains("9 of 9 run(s) done");
            for (String date : List.of("20240201", "20240202", "20240203")) {
                assertThat(Postgres.text(pipeline.warehouse, "SELECT string_agg(flow, ',' ORDER BY at) FROM t_order WHERE mydate = '" + date + "'"))
                        .as(date).isEqualTo("dim,fact,agg");
            }

            Postgres.execute(pipeline.warehouse, "ALTER TABLE t_order ADD CONSTRAINT no_dim_0205 CHECK (NOT (flow = 'dim' AND mydate = '20240205'))");
            Pipeline.CliResult broken = pipeline.cli("backfill", "--flows", "dim,fact,agg", "--from", "20240204", "--to", "20240206",
                    "--continue-on-failure");
            assertThat(broken.exitCode()).isEqualTo(1);
            assertThat(broken.out()).containsPattern("20240205\\s+dim\\s+started\\s+\\d+\\s+FAILED")
                    .containsPattern("20240205\\s+fact\\s+not started: dim did not complete 20240205")
                    .containsPattern("20240205\\s+agg\\s+not started: fact did not complete 20240205").contains("6 of 9 run(s) done");
            assertThat(Postgres.text(pipeline.warehouse, "SELECT string_agg(flow || ':' || mydate, ',' ORDER BY mydate, at) FROM t_order"
                    + " WHERE mydate BETWEEN '20240204' AND '20240206'")).isEqualTo("dim:20240204,fact:20240204,agg:20240204,"
                    + "dim:20240206,fact:20240206,agg:20240206");

            assertThat(pipeline.cli("backfill", "fact", "--flows", "dim", "--from", "20240204", "--to", "20240204").err())
                    .contains("give one FLOW, or --flows FLOW,FLOW,... (not both)");
        } finally {
            pipeline.config.remove("ferry.flow.agg.after");
            Postgres.execute(pipeline.warehouse, "ALTER TABLE t_order DROP CONSTRAINT IF EXISTS no_dim_0205");
        }
    }

    @Test
    void flowsThatWaitForEachOtherAreRefusedByValidateAndByRun() {
        Pipeline.CliResult validate = pipeline.cli("validate", "loop-a");
        assertThat(validate.exitCode()).isNotZero();
        assertThat(validate.out()).contains("flows loop-a -> loop-b -> loop-a wait for each other");

        Pipeline.CliResult run = pipeline.cli("run", "loop-b", "-d", "20240104");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("wait for each other");
    }
}
