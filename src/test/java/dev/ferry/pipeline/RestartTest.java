package dev.ferry.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.partition.Manifest;
import dev.ferry.partition.Partition;
import dev.ferry.store.ObjectStore;
import dev.ferry.testing.PerClassDatabases;
import dev.ferry.testing.Pipeline;
import dev.ferry.testing.Postgres;
import jakarta.batch.runtime.StepExecution;
import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A failed load is restarted from the load: the staged partition is used as it is, not extracted again. */
@ExtendWith(PerClassDatabases.class)
class RestartTest {

    static Pipeline pipeline;

    @BeforeAll
    static void createSourceOnly(Pipeline created) {
        pipeline = created;
        pipeline.createReferenceTables(300);
        Postgres.execute(pipeline.warehouse, "DROP TABLE t_target");
    }

    @Test
    void aLoadThatFailedOnAMissingTableCompletesOnRestartWithoutExtractingAgain() throws IOException {
        Postgres.execute(pipeline.warehouse, "DROP TABLE IF EXISTS t_target");
        Pipeline.CliResult failed = pipeline.cli("run", "rds-to-adb", "--date", "20240102");

        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.out()).contains("FAILED").contains("relation \"t_target\" does not exist").contains("ferry restart");
        long firstId = executionId(failed.out());
        Manifest staged = manifest();

        Postgres.execute(pipeline.warehouse, "CREATE TABLE t_target (a int, b int, c date)");
        Pipeline.CliResult restarted = pipeline.cli("restart", String.valueOf(firstId));

        assertThat(restarted.exitCode()).isZero();
        long secondId = Long.parseLong(find("as execution (\\d+)", restarted.out()));
        List<StepExecution> steps = pipeline.inspect(r -> r.operator().getStepExecutions(secondId));
        assertThat(steps).extracting(StepExecution::getStepName).containsExactly("load");
        assertThat(pipeline.targetRows("2024-01-02")).isEqualTo(300);
        assertThat(manifest().startedAt()).as("the partition was not extracted again").isEqualTo(staged.startedAt());

        Pipeline.CliResult history = pipeline.cli("executions", "rds-to-adb");
        assertThat(history.out()).containsPattern(secondId + "\\s+rds-to-adb\\s+20240102\\s+COMPLETED")
                .containsPattern(firstId + "\\s+rds-to-adb\\s+20240102\\s+FAILED")
                .contains("load: flow rds-to-adb, step load");
    }

    @Test
    void aRestartThatLosesTheDateToAForcedRunSaysWhatWillWorkInsteadOfAnotherRestart() {
        Postgres.execute(pipeline.warehouse, "CREATE TABLE IF NOT EXISTS t_target (a int, b int, c date)");
        long first = executionId(pipeline.cli("run", "rds-to-adb", "--date", "20240103").out());
        long forced = executionId(pipeline.cli("run", "rds-to-adb", "--date", "20240103", "--force").out());
        // The first run as a crash leaves it: its load never recorded as done, while the forced rerun holds the date.
        Postgres.execute(pipeline.repository, "UPDATE job_execution SET batchstatus = 'FAILED' WHERE jobexecutionid = " + first,
                "UPDATE step_execution SET batchstatus = 'FAILED' WHERE jobexecutionid = " + first + " AND stepname = 'load'");

        Pipeline.CliResult restart = pipeline.cli("restart", String.valueOf(first));

        assertThat(restart.exitCode()).isEqualTo(1);
        assertThat(restart.out()).contains("mydate 20240103 is held by execution " + forced)
                .contains("ferry run rds-to-adb -d 20240103 --force").doesNotContain("restart it with");
        assertThat(pipeline.targetRows("2024-01-03")).isEqualTo(300);
    }

    private static Manifest manifest() throws IOException {
        try (ObjectStore store = pipeline.store()) {
            return new Partition(store, "rds/t3/20240102/").readManifest().orElseThrow();
        }
    }

    private static long executionId(String out) {
        return Long.parseLong(find("execution (\\d+):", out));
    }

    private static String find(String regex, String text) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as(regex + " in " + text).isTrue();
        return m.group(1);
    }
}
