package dev.ferry.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.PerClassDatabases;
import dev.ferry.testing.Pipeline;
import dev.ferry.testing.Postgres;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A process killed in the middle of a load: its run is recovered as FAILED, and a restart loads exactly once. */
@ExtendWith(PerClassDatabases.class)
class RecoveryTest {

    static Pipeline pipeline;

    @BeforeAll
    static void setUp(Pipeline created) {
        pipeline = created;
        pipeline.createReferenceTables(2000);
        Postgres.execute(pipeline.warehouse, "INSERT INTO t_target SELECT a, 0, DATE '2024-01-02' FROM generate_series(1, 5) a");
        pipeline.holdLoads(4);
    }

    @Test
    void aRunKilledMidLoadIsRecoveredAsFailedAndItsRestartLeavesExactlyTheSourceRows() throws Exception {
        Process run = pipeline.ferryProcess(List.of(), "run", "rds-to-adb", "-d", "20240102")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        pipeline.awaitLoadInCopy();

        run.destroyForcibly(); // SIGKILL: no shutdown hook, no chance to tidy up
        assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();
        // PostgreSQL rolls the dead client's transaction back once its statement returns.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (pipeline.loadsInCopy() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        pipeline.releaseLoads();
        long id = Postgres.count(pipeline.repository, "SELECT max(jobexecutionid) FROM job_execution");
        assertThat(Postgres.count(pipeline.repository, "SELECT count(*) FROM job_execution WHERE batchstatus = 'STARTED'")).isEqualTo(1);

        Pipeline.CliResult history = pipeline.cli("executions");
        assertThat(history.out()).containsPattern(id + "\\s+rds-to-adb\\s+20240102\\s+FAILED")
                .contains("recovered: its process run@").contains("is gone");
        Pipeline.CliResult restart = pipeline.cli("restart", String.valueOf(id));

        assertThat(restart.exitCode()).isZero();
        assertThat(pipeline.targetRows("2024-01-02")).isEqualTo(2000);
        assertThat(Postgres.count(pipeline.warehouse,
                "SELECT count(*) FROM (SELECT a FROM t_target WHERE c = DATE '2024-01-02' GROUP BY a HAVING count(*) > 1) d")).isZero();
    }
}
