package dev.ferry.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.standalone.StandaloneRuntime;
import dev.ferry.testing.Await;
import dev.ferry.testing.FlowFile;
import dev.ferry.testing.PerClassDatabases;
import dev.ferry.testing.Pipeline;
import dev.ferry.testing.Postgres;
import jakarta.batch.runtime.BatchStatus;
import jakarta.batch.runtime.JobExecution;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A load whose backend is terminated mid-COPY (pg_terminate_backend, a failover): the failure says the
 * connection was lost (not a later "connection is closed" that hides it), counts as transient, and the
 * retry runs on a healthy connection.
 */
@ExtendWith(PerClassDatabases.class)
class TerminatedBackendTest {

    static Pipeline pipeline;
    static Path flows;

    @BeforeAll
    static void setUp(Pipeline created) throws IOException {
        pipeline = created;
        pipeline.createReferenceTables(300);
        flows = Files.createDirectories(pipeline.dir().resolve("flows"));
        pipeline.config.set("ferry.flows.dir", flows.toString());
        for (String retries : new String[] {"0", "2"}) {
            FlowFile.named("load-retries-" + retries)
                    .step("extract", "extract", "database", "source", "query", "SELECT * FROM t_src WHERE c = DATE '${mydate}'",
                            "target", "terminated/${mydate}/")
                    .step("load", "load", "database", "warehouse", "table", "t_target", "source", "terminated/${mydate}/",
                            "replaceWhere", "c = DATE '${mydate}'", "retries", retries, "retryDelay", "3")
                    .writeTo(flows);
        }
    }

    @Test
    void withoutRetriesTheFailureNamesPostgresReasonAndTheTargetIsUnchanged() throws Exception {
        String exitStatus = loadTerminatedOnce("load-retries-0", "20240101", BatchStatus.FAILED);

        // pgjdbc reports a connection cut off in a COPY as 08006 without the server's words; Ferry says what it means.
        assertThat(exitStatus).contains("SQLState 08006: the database connection was lost mid-COPY").contains("pg_terminate_backend")
                .doesNotContain("Connection is closed");
        assertThat(pipeline.targetRows("2024-01-01")).isZero();
    }

    @Test
    void withRetriesTheNextAttemptLoadsOnAHealthyConnection() throws Exception {
        loadTerminatedOnce("load-retries-2", "20240102", BatchStatus.COMPLETED);

        assertThat(pipeline.targetRows("2024-01-02")).isEqualTo(300);
    }

    /** Runs the flow, terminates its load's backend in the COPY, lets later loads through; returns the load's exit status. */
    private static String loadTerminatedOnce(String flow, String mydate, BatchStatus expected) throws Exception {
        pipeline.holdLoads(60);
        try (StandaloneRuntime runtime = pipeline.runtime()) {
            Properties parameters = new Properties();
            parameters.setProperty("mydate", mydate);
            long id = runtime.start(flow, parameters);
            pipeline.awaitLoadInCopy();
            Postgres.execute(pipeline.warehouse,
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'COPY t_target%' AND datname = current_database()");
            Await.until("the terminated COPY is gone", Duration.ofSeconds(30), () -> pipeline.loadsInCopy() == 0);
            pipeline.releaseLoads(); // before the retry's back-off (3 s) ends
            JobExecution execution = runtime.await(id);
            assertThat(execution.getBatchStatus()).isEqualTo(expected);
            return runtime.operator().getStepExecutions(id).stream().filter(s -> s.getStepName().equals("load")).findFirst()
                    .orElseThrow().getExitStatus();
        }
    }
}
