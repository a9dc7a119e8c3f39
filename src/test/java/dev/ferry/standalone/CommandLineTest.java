package dev.ferry.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.PerClassDatabases;
import dev.ferry.testing.Pipeline;
import dev.ferry.testing.Postgres;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** What a new user types first: --help, demo, executions, and a flow that does not exist. */
@ExtendWith(PerClassDatabases.class)
class CommandLineTest {

    static Pipeline pipeline;

    @BeforeAll
    static void setUp(Pipeline created) {
        pipeline = created;
    }

    @Test
    void helpListsTheCommands() {
        Pipeline.CliResult help = Pipeline.capture(() -> FerryCommand.execute("--help"));

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("run ", "restart ", "executions ", "demo ", "--config");
    }

    @Test
    void everyCommandPrintsItsUsageWithHelp() {
        for (String command : List.of("run", "validate", "try-run", "restart", "executions", "schedule", "serve", "backfill", "stop",
                "log", "pause", "resume", "purge", "demo", "hash-password")) {
            Pipeline.CliResult help = Pipeline.capture(() -> FerryCommand.execute(command, "--help"));
            assertThat(help.exitCode()).as(command + " --help: " + help.all()).isZero();
            assertThat(help.out()).as(command).contains("Usage: ferry " + command);
        }
    }

    @Test
    void serveWithNothingToDoSaysWhatToConfigure() {
        Pipeline.CliResult once = pipeline.cli("serve", "--once");
        assertThat(once.exitCode()).isEqualTo(2);
        assertThat(once.err()).contains("no flow has a schedule: set ferry.flow.FLOW.schedule").doesNotContain("console");

        Pipeline.CliResult serve = pipeline.cli("serve");
        assertThat(serve.exitCode()).isEqualTo(2);
        assertThat(serve.err()).contains("no flow has a schedule and the console has no user")
                .contains("ferry.console.user.NAME.password-hash");
    }

    @Test
    void demoSetsUpSampleDataRunsTheReferenceFlowAndShowsWhatLandedWhere() {
        Pipeline.CliResult demo = pipeline.cli("demo", "--date", "20240105", "--days", "4", "--rows-per-day", "100");

        assertThat(demo.exitCode()).isZero();
        assertThat(demo.out()).contains("execution").contains("COMPLETED")
                .contains("rds/t3/20240105/part-00000.csv").contains("rds/t3/20240105/_manifest.json")
                .containsPattern("2024-01-05\\s+100");
        assertThat(Postgres.count(pipeline.source, "SELECT count(DISTINCT c) FROM t_src")).isEqualTo(4);
        assertThat(Postgres.count(pipeline.warehouse, "SELECT count(*) FROM t_target")).isEqualTo(100);

        Pipeline.CliResult again = pipeline.cli("demo", "--date", "20240105", "--days", "4", "--rows-per-day", "100");
        assertThat(again.exitCode()).isZero();
        assertThat(Postgres.count(pipeline.warehouse, "SELECT count(*) FROM t_target")).as("reset, not added to").isEqualTo(100);

        Pipeline.CliResult history = pipeline.cli("executions", "--limit", "1");
        assertThat(history.out()).containsPattern("rds-to-adb\\s+20240105\\s+COMPLETED").contains("extract:COMPLETED load:COMPLETED");
    }

    @Test
    void logPrintsEachStepsLinesAndFollowsARunUntilItEnds() throws Exception {
        Postgres.execute(pipeline.source, "CREATE TABLE IF NOT EXISTS t_src (a int, b int, c date)",
                "DELETE FROM t_src WHERE c BETWEEN DATE '2025-03-01' AND DATE '2025-03-02'",
                "INSERT INTO t_src SELECT i, i % 7, DATE '2025-03-01' + d FROM generate_series(0, 1) d, generate_series(1, 200) i");
        Postgres.execute(pipeline.warehouse, "CREATE TABLE IF NOT EXISTS t_target (a int, b int, c date)");
        Pipeline.CliResult run = pipeline.cli("run", "rds-to-adb", "-d", "20250301");
        assertThat(run.exitCode()).as(run.all()).isZero();
        long id = Long.parseLong(run.all().replaceAll("(?s).*?execution (\\d+).*", "$1"));

        Pipeline.CliResult log = pipeline.cli("log", String.valueOf(id));
        assertThat(log.exitCode()).as(log.all()).isZero();
        assertThat(log.out()).containsPattern("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3} INFO  extract: rds-to-adb/extract started in execution " + id)
                .contains("INFO  extract: rds-to-adb/extract 20250301 done: 200 rows").contains("INFO  load: rds-to-adb/load 20250301 done: 200 rows");
        assertThat(pipeline.cli("log", String.valueOf(id), "--step", "load").out()).contains("load: ").doesNotContain("extract: ");
        Pipeline.CliResult unknown = pipeline.cli("log", "99999999");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("there is no execution 99999999").contains("ferry executions");

        pipeline.holdLoads(3);
        try (StandaloneRuntime runtime = pipeline.runtime()) {
            java.util.Properties parameters = new java.util.Properties();
            parameters.setProperty("mydate", "20250302");
            long running = runtime.start("rds-to-adb", parameters);
            Process follow = pipeline.ferryProcess(List.of(), "log", String.valueOf(running), "--follow").start();
            String followed = new String(follow.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(follow.waitFor()).as(followed).isZero();
            assertThat(runtime.await(running).getBatchStatus()).as("--follow returned when the run ended, not before")
                    .isEqualTo(jakarta.batch.runtime.BatchStatus.COMPLETED);
            assertThat(followed).contains("load: rds-to-adb/load started").contains("load: rds-to-adb/load 20250302 done: 200 rows");
        } finally {
            pipeline.releaseLoads();
        }
    }

    @Test
    void aSecondRunOfTheSameDateIsRefusedUnlessForcedAndTheForceIsRecorded() {
        Postgres.execute(pipeline.source, "CREATE TABLE IF NOT EXISTS t_src (a int, b int, c date)");
        Postgres.execute(pipeline.warehouse, "CREATE TABLE IF NOT EXISTS t_target (a int, b int, c date)");
        assertThat(pipeline.cli("run", "rds-to-adb", "-d", "20230601").exitCode()).isZero();

        Pipeline.CliResult again = pipeline.cli("run", "rds-to-adb", "-d", "20230601");
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("has run for mydate 20230601 already: claimed by cli:").contains("--force");
        assertThat(again.out()).doesNotContain("started");

        assertThat(pipeline.cli("run", "rds-to-adb", "-d", "20230601", "--force").exitCode()).isZero();
        assertThat(Postgres.count(pipeline.repository,
                "SELECT count(*) FROM ferry_claim WHERE flow = 'rds-to-adb' AND mydate = '20230601' AND forced")).isEqualTo(1);
    }

    @Test
    void anUnknownFlowFailsWithoutStartingAnything() {
        Pipeline.CliResult result = pipeline.cli("run", "no-such-flow", "-d", "20240101");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("no flow named 'no-such-flow'").contains("META-INF/batch-jobs/no-such-flow.xml");
        Pipeline.CliResult file = pipeline.cli("run", "flows/missing.xml", "-d", "20240101");
        assertThat(file.exitCode()).isEqualTo(2);
        assertThat(file.err()).contains("no such job XML file");
    }

    @Test
    void aBadConfigurationValueIsRefusedAtStartNamingTheKeyTheValueAndWhatIsAllowed(@TempDir Path dir) throws Exception {
        Pipeline.CliResult folder = Pipeline.capture(() -> FerryCommand.execute("executions", "--config", dir.toString()));
        assertThat(folder.exitCode()).isEqualTo(2);
        assertThat(folder.err()).contains("--config " + dir + " is a folder");

        pipeline.config.set("ferry.db.source.pool-size", "-1");
        try {
            Pipeline.CliResult run = pipeline.cli("run", "rds-to-adb", "-d", "20230602");
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains("ferry.db.source.pool-size (environment: FERRY_DB_SOURCE_POOL_SIZE) is '-1':"
                    + " give a whole number from 1 to 1000");
            assertThat(run.out()).doesNotContain("started");
        } finally {
            pipeline.config.remove("ferry.db.source.pool-size");
        }
        pipeline.config.set("ferry.store.s3.path-style", "yes");
        try {
            assertThat(pipeline.cli("executions").err()).contains("ferry.store.s3.path-style").contains("'yes': give true or false");
        } finally {
            pipeline.config.remove("ferry.store.s3.path-style");
        }
    }
}
