package dev.ferry.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.FlowFile;
import dev.ferry.testing.PerClassDatabases;
import dev.ferry.testing.Pipeline;
import dev.ferry.testing.Postgres;
import jakarta.batch.runtime.BatchStatus;
import jakarta.batch.runtime.JobExecution;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A data engineer's own flows: written into the flows folder with their scripts beside them, checked before
 * anything runs, started once per date whoever starts them, and scheduled next to flows that are broken.
 */
@ExtendWith(PerClassDatabases.class)
class OwnFlowsTest {

    static Pipeline pipeline;
    static Path flows;

    @BeforeAll
    static void setUp(Pipeline created) throws IOException {
        pipeline = created;
        flows = Files.createDirectories(pipeline.dir().resolve("my-flows"));
        pipeline.config.set("ferry.flows.dir", flows.toString()).set("ferry.timezone", "UTC");
        Postgres.execute(pipeline.source, "CREATE TABLE t_src (a int, b int, c date)",
                "INSERT INTO t_src SELECT i, i % 7, DATE '2024-03-01' + i % 3 FROM generate_series(1, 3000) i");
        Postgres.execute(pipeline.warehouse, "CREATE TABLE t_target (a int, b int, c date)",
                "CREATE TABLE daily_totals (mydate date, rows bigint)");
        FlowFile.named("daily-totals").step("summarise", "sql", "database", "warehouse", "scriptFile", "daily-totals.sql").writeTo(flows);
        Files.writeString(flows.resolve("daily-totals.sql"), """
                DELETE FROM daily_totals WHERE mydate = DATE '${mydate}';
                INSERT INTO daily_totals SELECT DATE '${mydate}', count(*) FROM t_target WHERE c = DATE '${mydate}';
                """);
        FlowFile.named("split-typo").step("extract", "extract", "database", "source",
                "query", "SELECT * FROM t_src WHERE c = DATE '${mydate}'", "target", "typo/${mydate}/", "maxFileByte", "1000").writeTo(flows);
    }

    @Test
    void aFlowInTheFlowsFolderRunsByItsNameWithTheScriptBesideIt() {
        assertThat(pipeline.cli("run", "rds-to-adb", "-d", "20240301").exitCode()).isZero();

        Pipeline.CliResult valid = pipeline.cli("validate", "daily-totals");
        assertThat(valid.exitCode()).as(valid.all()).isZero();
        Pipeline.CliResult run = pipeline.cli("run", "daily-totals", "-d", "20240301");
        assertThat(run.exitCode()).as(run.all()).isZero();

        assertThat(Postgres.count(pipeline.warehouse, "SELECT rows FROM daily_totals WHERE mydate = DATE '2024-03-01'")).isEqualTo(1000);
        Pipeline.CliResult history = pipeline.cli("executions", "daily-totals");
        assertThat(history.out()).containsPattern("daily-totals\\s+20240301\\s+COMPLETED").contains("cli:");
        List<String> names = pipeline.inspect(runtime -> runtime.flows().names());
        assertThat(names).contains("daily-totals", "split-typo", "rds-to-adb");
    }

    @Test
    void aMisspelledPropertyIsRefusedBeforeAnythingRunsWithEveryProblemAndItsLine() {
        Pipeline.CliResult run = pipeline.cli("run", "split-typo", "-d", "20240302");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("flow split-typo was not started")
                .contains("split-typo:9: step extract: the extract batchlet has no property 'maxFileByte' (did you mean 'maxFileBytes'?)");
        assertThat(Postgres.count(pipeline.repository, "SELECT count(*) FROM ferry_claim WHERE flow = 'split-typo'")).isZero();
        assertThat(pipeline.cli("executions", "split-typo").out()).doesNotContain("20240302");
    }

    @Test
    void anUnknownStepNameIsRefusedNamingTheFlowsSteps() {
        Pipeline.CliResult run = pipeline.cli("run", "rds-to-adb", "-d", "20240303", "-p", "ferry.steps=laod");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("the flow has no step 'laod'").contains("did you mean 'load'?").contains("[extract, load]");

        Pipeline.CliResult backfill = pipeline.cli("backfill", "rds-to-adb", "--from", "20240303", "--to", "20240304", "--steps", "laod");
        assertThat(backfill.exitCode()).isEqualTo(2);
        assertThat(backfill.err()).contains("the flow has no step 'laod'");
        assertThat(Postgres.count(pipeline.repository,
                "SELECT count(*) FROM ferry_claim WHERE mydate IN ('20240303', '20240304')")).as("no date was closed").isZero();
    }

    @Test
    void aDateLaterThanTheFlowsTPlusOneDateIsRefusedUnlessAllowed() {
        Pipeline.CliResult future = pipeline.cli("run", "rds-to-adb", "-d", "20991231");
        assertThat(future.exitCode()).isEqualTo(2);
        assertThat(future.err()).contains("mydate 20991231 is later than the flow's latest business date").contains("--allow-future");
        assertThat(Postgres.count(pipeline.repository, "SELECT count(*) FROM ferry_claim WHERE mydate = '20991231'")).isZero();

        Pipeline.CliResult backfill = pipeline.cli("backfill", "rds-to-adb", "--from", "20991230", "--to", "20991231");
        assertThat(backfill.exitCode()).isEqualTo(2);

        Pipeline.CliResult allowed = pipeline.cli("run", "rds-to-adb", "-d", "20991231", "--allow-future");
        assertThat(allowed.exitCode()).as(allowed.all()).isZero();
    }

    @Test
    void aRestartMovesTheClaimSoALaterBackfillSkipsTheCompletedDate() {
        Postgres.execute(pipeline.warehouse, "ALTER TABLE t_target RENAME TO t_target_away");
        Pipeline.CliResult failed;
        try {
            failed = pipeline.cli("run", "rds-to-adb", "-d", "20240302");
        } finally {
            Postgres.execute(pipeline.warehouse, "ALTER TABLE t_target_away RENAME TO t_target");
        }
        assertThat(failed.exitCode()).isEqualTo(1);
        long id = Postgres.count(pipeline.repository, "SELECT execution_id FROM ferry_claim WHERE flow = 'rds-to-adb' AND mydate = '20240302'");

        assertThat(pipeline.cli("restart", Long.toString(id)).exitCode()).isZero();
        assertThat(Postgres.count(pipeline.repository, "SELECT execution_id FROM ferry_claim WHERE flow = 'rds-to-adb' AND mydate = '20240302'"))
                .as("the claim is the restart's").isGreaterThan(id);

        Pipeline.CliResult backfill = pipeline.cli("backfill", "rds-to-adb", "--from", "20240302", "--to", "20240302");
        assertThat(backfill.exitCode()).as(backfill.all()).isZero();
        assertThat(backfill.out()).contains("skipped: completed");
        assertThat(Postgres.count(pipeline.warehouse, "SELECT count(*) FROM t_target WHERE c = DATE '2024-03-02'")).isEqualTo(1000);
    }

    @Test
    void aStartMadeOutsideFerryObeysTheSameOncePerDateRule() throws Exception {
        assertThat(pipeline.cli("run", "rds-to-adb", "-d", "20240303").exitCode()).isZero();
        Properties parameters = new Properties();
        parameters.setProperty("mydate", "20240303");

        JobExecution outside = pipeline.inspect(runtime -> await(runtime, runtime.start("rds-to-adb", parameters)));

        assertThat(outside.getBatchStatus()).isEqualTo(BatchStatus.FAILED);
        String refused = pipeline.inspect(runtime -> runtime.operator().getStepExecutions(outside.getExecutionId()).get(0).getExitStatus());
        assertThat(refused).contains("mydate 20240303 of flow rds-to-adb is claimed by cli:").contains("--force");
        assertThat(Postgres.count(pipeline.warehouse, "SELECT count(*) FROM t_target WHERE c = DATE '2024-03-03'")).isEqualTo(1000);

        // A date nobody has claimed is claimed by the outside start, and Ferry's own starts then see it.
        parameters.setProperty("mydate", "20240229");
        JobExecution claimed = pipeline.inspect(runtime -> await(runtime, runtime.start("rds-to-adb", parameters)));
        assertThat(claimed.getBatchStatus()).isEqualTo(BatchStatus.COMPLETED);
        Pipeline.CliResult again = pipeline.cli("run", "rds-to-adb", "-d", "20240229");
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("claimed by outside Ferry (execution " + claimed.getExecutionId() + ")");
        assertThat(pipeline.cli("executions", "rds-to-adb", "--limit", "50").out())
                .containsPattern(claimed.getExecutionId() + "\\s+rds-to-adb\\s+20240229\\s+EMPTY.*outside Ferry");
    }

    private static JobExecution await(StandaloneRuntime runtime, long id) {
        try {
            return runtime.await(id);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anExtractWithFewerRowsThanMinRowsFailsAndPublishesNothingAndAnEmptyRunIsMarkedEmpty() throws IOException {
        FlowFile.named("at-least-one").step("extract", "extract", "database", "source",
                "query", "SELECT * FROM t_src WHERE c = DATE '${mydate}'", "target", "at-least-one/${mydate}/", "minRows", "1").writeTo(flows);
        Pipeline.CliResult none = pipeline.cli("run", "at-least-one", "-d", "20240310");
        assertThat(none.exitCode()).isEqualTo(1);
        assertThat(none.out()).contains("0 row(s) for mydate 20240310, fewer than minRows 1").contains("nothing was published");
        try (var store = pipeline.store()) {
            assertThat(store.list("at-least-one/20240310/")).noneMatch(o -> o.key().endsWith("_manifest.json"));
        }

        assertThat(pipeline.cli("run", "rds-to-adb", "-d", "20240311").exitCode()).as("a day without rows completes").isZero();
        assertThat(pipeline.cli("executions", "rds-to-adb", "--limit", "50").out()).containsPattern("rds-to-adb\\s+20240311\\s+EMPTY");
    }

    @Test
    void aBackfilledDateRecordsTheFlowVersionAndWhoStartedIt() {
        Pipeline.CliResult backfill = pipeline.cli("backfill", "rds-to-adb", "--from", "20240228", "--to", "20240228");
        assertThat(backfill.exitCode()).as(backfill.all()).isZero();

        String history = pipeline.cli("executions", "rds-to-adb", "--limit", "50").out();
        assertThat(history).containsPattern("rds-to-adb\\s+20240228\\s+EMPTY\\s+.*\\s[0-9a-f]{12}\\s+extract:COMPLETED load:COMPLETED\\s+backfill:");
    }

    @Test
    void serveLeavesOutAScheduledFlowThatCannotRunAndServesTheOthers() {
        pipeline.config.set("ferry.flow.ghost.schedule", "0 3 * * *").set("ferry.flow.split-typo.schedule", "0 4 * * *")
                .set("ferry.flow.daily-totals.schedule", "0 5 * * *").set("ferry.flow.daily-totls.deadline", "06:30");
        try {
            Pipeline.CliResult schedule = pipeline.cli("schedule");
            assertThat(schedule.exitCode()).isEqualTo(1);
            assertThat(schedule.out()).contains("DEADLINE NOT WATCHED: ferry.flow.daily-totls.deadline names flow daily-totls,"
                    + " which Ferry does not know");
            assertThat(schedule.out()).containsPattern("ghost\\s.*BROKEN, not served: .*no flow named 'ghost'")
                    .containsPattern("split-typo\\s.*BROKEN, not served: .*maxFileByte")
                    .containsPattern("daily-totals\\s+\\d{4}-\\d\\d-\\d\\d 05:00:00");

            Pipeline.CliResult serve = pipeline.cli("serve", "--once");
            assertThat(serve.exitCode()).as(serve.all()).isZero();
            assertThat(serve.out()).contains("NOT serving ghost").contains("NOT serving split-typo").contains("serving daily-totals");
            assertThat(serve.err()).contains("ferry.flow.daily-totls.deadline names flow daily-totls").contains("not watched");
        } finally {
            pipeline.config.remove("ferry.flow.ghost.schedule").remove("ferry.flow.split-typo.schedule").remove("ferry.flow.daily-totals.schedule")
                    .remove("ferry.flow.daily-totls.deadline");
        }
    }
}
