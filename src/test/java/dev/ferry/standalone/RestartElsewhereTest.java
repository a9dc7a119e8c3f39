package dev.ferry.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.Await;
import dev.ferry.testing.PerClassDatabases;
import dev.ferry.testing.Pipeline;
import dev.ferry.testing.Postgres;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A restart made without Ferry (jboss-cli's {@code restart-job} on the other node of a cluster, JBeret's own
 * {@code JobOperator}) of a run that still runs in another live process: JBeret takes it for crashed, marks it FAILED
 * and starts it again. Ferry keeps the live run STARTED and refuses the new execution before its first step, and the
 * live run ends as it would have.
 */
@ExtendWith(PerClassDatabases.class)
class RestartElsewhereTest {

    static Pipeline pipeline;

    @BeforeAll
    static void setUp(Pipeline created) {
        pipeline = created;
        pipeline.createReferenceTables(200);
    }

    @Test
    void jberetsOwnRestartOfARunLiveInAnotherProcessIsRefusedBeforeItsFirstStepNamingTheOwner() throws Exception {
        Process run;
        long first;
        long again;
        try (Pipeline.LoadHold hold = pipeline.holdLoadsUntilReleased()) {
            run = pipeline.ferryProcess(List.of(), "run", "rds-to-adb", "-d", "20240102").redirectErrorStream(true).start();
            pipeline.awaitLoadInCopy();
            first = Postgres.count(pipeline.repository, "SELECT max(jobexecutionid) FROM job_execution");

            // This process does not run execution `first`: JBeret's default restart mode takes it for crashed.
            again = pipeline.inspect(runtime -> runtime.operator().restart(first, new Properties()));

            Await.until("the restart ended", Duration.ofSeconds(60), () -> "FAILED".equals(Postgres.text(pipeline.repository,
                    "SELECT batchstatus FROM job_execution WHERE jobexecutionid = " + again)));
            assertThat(Postgres.text(pipeline.repository, "SELECT batchstatus FROM job_execution WHERE jobexecutionid = " + first))
                    .as("JBeret's marking the live run FAILED was skipped").isEqualTo("STARTED");
            hold.release();
        }
        String output = new String(run.getInputStream().readAllBytes());
        assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(Postgres.text(pipeline.repository, "SELECT exitstatus FROM job_execution WHERE jobexecutionid = " + again))
                .contains("execution " + again + " restarts execution " + first + ", which still runs on run@")
                .contains("heard from").contains("was refused before its first step").contains("ferry stop " + first);
        assertThat(Postgres.count(pipeline.repository, "SELECT count(*) FROM step_execution WHERE jobexecutionid = " + again
                + " AND batchstatus = 'COMPLETED'")).as("no step of the restart ran").isZero();
        assertThat(run.exitValue()).as(output).isZero();
        assertThat(Postgres.text(pipeline.repository, "SELECT batchstatus FROM job_execution WHERE jobexecutionid = " + first))
                .isEqualTo("COMPLETED");
        assertThat(pipeline.targetRows("2024-01-02")).as("the date loaded once").isEqualTo(200);
        assertThat(Postgres.text(pipeline.repository, "SELECT execution_id FROM ferry_claim WHERE mydate = '20240102'"))
                .as("the live run keeps its date").isEqualTo(String.valueOf(first));
    }

    @Test
    void aRunKilledAfterARefusedRestartIsRestartedByFerryAndLoadsItsDateOnce() throws Exception {
        long first;
        long refused;
        try (Pipeline.LoadHold hold = pipeline.holdLoadsUntilReleased()) {
            Process run = pipeline.ferryProcess(List.of(), "run", "rds-to-adb", "-d", "20240103").redirectErrorStream(true).start();
            pipeline.awaitLoadInCopy();
            first = Postgres.count(pipeline.repository, "SELECT max(jobexecutionid) FROM job_execution");
            refused = pipeline.inspect(runtime -> runtime.operator().restart(first, new Properties()));
            Await.until("the restart was refused", Duration.ofSeconds(60), () -> "FAILED".equals(Postgres.text(pipeline.repository,
                    "SELECT batchstatus FROM job_execution WHERE jobexecutionid = " + refused)));

            run.destroyForcibly();
            assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        // Let go, the killed run's COPY finds its client gone and rolls back.
        Await.until("the killed run's load ends", Duration.ofSeconds(60), () -> pipeline.loadsInCopy() == 0);

        // The run, not the refused restart, is what the operator restarts; JBeret restarts the newest execution of it.
        Pipeline.CliResult restart = pipeline.cli("restart", String.valueOf(first));

        assertThat(restart.exitCode()).as(restart.all()).isZero();
        assertThat(Postgres.text(pipeline.repository, "SELECT exitstatus FROM job_execution WHERE jobexecutionid = " + first))
                .startsWith("FAILED: recovered: its process run@");
        assertThat(Postgres.count(pipeline.repository, "SELECT count(*) FROM job_execution WHERE jobexecutionid > " + refused
                + " AND batchstatus = 'COMPLETED'")).isEqualTo(1);
        assertThat(pipeline.targetRows("2024-01-03")).as("the date loaded once").isEqualTo(200);
    }
}
