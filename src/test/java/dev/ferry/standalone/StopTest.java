package dev.ferry.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.PerClassDatabases;
import dev.ferry.testing.Pipeline;
import dev.ferry.testing.Postgres;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** ferry stop from another process cancels a load in its COPY: the target stays as it was, and a restart completes. */
@ExtendWith(PerClassDatabases.class)
class StopTest {

    static Pipeline pipeline;

    @BeforeAll
    static void setUp(Pipeline created) {
        pipeline = created;
        pipeline.createReferenceTables(1000);
        Postgres.execute(pipeline.warehouse, "INSERT INTO t_target VALUES (-1, -1, DATE '2024-01-03')");
        pipeline.holdLoads(120);
    }

    @Test
    void stopCancelsTheInFlightCopyLeavesTheTargetAsItWasAndARestartCompletes() throws Exception {
        Process run = pipeline.ferryProcess(List.of(), "run", "rds-to-adb", "-d", "20240103").start();
        pipeline.awaitLoadInCopy();
        long id = Postgres.count(pipeline.repository, "SELECT max(jobexecutionid) FROM job_execution");

        long asked = System.nanoTime();
        Pipeline.CliResult stop = pipeline.cli("stop", String.valueOf(id));

        assertThat(stop.exitCode()).isZero();
        assertThat(stop.out()).contains("stop requested from its owner run@").contains("STOPPED");
        assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(30));
        String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(run.exitValue()).as(output).isEqualTo(1);
        assertThat(Postgres.count(pipeline.warehouse, "SELECT count(*) FROM t_target")).as("the target as it was").isEqualTo(1);

        pipeline.releaseLoads();
        assertThat(pipeline.cli("restart", String.valueOf(id)).exitCode()).isZero();
        assertThat(pipeline.targetRows("2024-01-03")).isEqualTo(1000);
    }
}
