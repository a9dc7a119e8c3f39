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
                "purge", "demo", "hash-password")) {
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
