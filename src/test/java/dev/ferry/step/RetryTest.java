package dev.ferry.step;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.partition.FileDigest;
import dev.ferry.partition.Manifest;
import dev.ferry.partition.ManifestFile;
import dev.ferry.partition.Partition;
import dev.ferry.testing.Await;
import dev.ferry.testing.FlakyFront;
import dev.ferry.testing.FlowFile;
import dev.ferry.testing.Pipeline;
import dev.ferry.testing.Postgres;
import dev.ferry.testing.S3Server;
import dev.ferry.testing.TestFlows;
import jakarta.batch.runtime.BatchStatus;
import jakarta.batch.runtime.JobExecution;
import jakarta.batch.runtime.StepExecution;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-step retries with backoff for transient failures, a per-step timeout, and no retry of what would fail again. */
class RetryTest {

    static S3Server s3;
    static FlakyFront flaky;
    static Pipeline pipeline;

    @BeforeAll
    static void setUp(@TempDir Path dir) throws Exception {
        s3 = S3Server.withoutAuthentication();
        s3.createBucket("flaky");
        flaky = new FlakyFront(s3.endpoint(), 2);
        pipeline = new Pipeline(dir);
        pipeline.config.set("ferry.store.url", "s3://flaky/staging").set("ferry.store.s3.endpoint", flaky.endpoint())
                .set("ferry.store.s3.path-style", "true").set("ferry.store.s3.access-key", "any").set("ferry.store.s3.secret-key", "any")
                .set("ferry.store.s3.max-attempts", "1"); // no SDK retries: the step's own retries must recover
        pipeline.createReferenceTables(100);
    }

    @AfterAll
    static void tearDown() throws Exception {
        pipeline.close();
        flaky.close();
        s3.close();
    }

    @Test
    void retriesRecoverFromAStoreThatFailsItsFirstTwoRequests() {
        JobExecution execution = pipeline.run(TestFlows.path("retrying"), "20240102");

        assertThat(execution.getBatchStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(flaky.requests()).isGreaterThan(2);
        assertThat(pipeline.targetRows("2024-01-02")).isEqualTo(100);
    }

    @Test
    void aConnectionCutWhileReadingAStagedFileIsRetriedNotTakenForTampering() {
        assertThat(pipeline.run(TestFlows.path("retrying"), "20240101").getBatchStatus()).isEqualTo(BatchStatus.COMPLETED);
        flaky.cutNextReads(1);

        JobExecution reload = pipeline.run(TestFlows.path("retrying"), Map.of("mydate", "20240101", "ferry.steps", "load"));

        assertThat(reload.getBatchStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(pipeline.targetRows("2024-01-01")).isEqualTo(100);

        flaky.cutNextReads(1);
        JobExecution once = pipeline.run(TestFlows.path("load-only"), "20240101");
        assertThat(once.getBatchStatus()).as("without retries").isEqualTo(BatchStatus.FAILED);
        String exitStatus = pipeline.inspect(r -> r.operator().getStepExecutions(once.getExecutionId()).get(0).getExitStatus());
        assertThat(exitStatus).contains("reading").contains("failed after").doesNotContain("differs from its manifest");
        assertThat(pipeline.targetRows("2024-01-01")).isEqualTo(100);
    }

    @Test
    void aTimeoutCancelsTheStatementAndCountsAsTransient() {
        long started = System.nanoTime();
        JobExecution slow = pipeline.run(TestFlows.path("timeout"), Map.of("mydate", "20240102"));

        assertThat(slow.getBatchStatus()).isEqualTo(BatchStatus.FAILED);
        List<StepExecution> steps = pipeline.inspect(r -> r.operator().getStepExecutions(slow.getExecutionId()));
        assertThat(steps.get(0).getExitStatus()).contains("timed out after 1 s");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("two attempts of one second, not thirty").isLessThan(Duration.ofSeconds(20));
        assertThat(Postgres.count(pipeline.warehouse, "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)'")).isZero();
    }

    @Test
    void aStopDuringTheBackOffBeforeARetryStopsAtOnce() throws Exception {
        try (var runtime = pipeline.runtime()) {
            Properties parameters = new Properties();
            parameters.setProperty("mydate", "20240102");
            long id = runtime.start(TestFlows.path("backing-off"), parameters);
            String running = "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(31)'";
            Await.until("the first attempt runs", Duration.ofSeconds(30), () -> Postgres.count(pipeline.warehouse, running) == 1);
            Await.until("the first attempt timed out", Duration.ofSeconds(30), () -> Postgres.count(pipeline.warehouse, running) == 0);

            long stopAt = System.nanoTime();
            runtime.operator().stop(id);
            JobExecution stopped = runtime.await(id);

            assertThat(stopped.getBatchStatus()).isEqualTo(BatchStatus.STOPPED);
            assertThat(Duration.ofNanos(System.nanoTime() - stopAt)).as("not the 60 s back-off").isLessThan(Duration.ofSeconds(10));
            assertThat(Postgres.count(pipeline.warehouse, running)).as("no second attempt").isZero();
        }
    }

    @Test
    void aSyntaxErrorFailsAtOnceWhateverTheRetries() {
        long started = System.nanoTime();
        JobExecution execution = pipeline.run(TestFlows.path("syntax-error"), Map.of("mydate", "20240102"));

        assertThat(execution.getBatchStatus()).isEqualTo(BatchStatus.FAILED);
        // Three retries of a transient error would wait 5 + 10 + 20 s.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aStalledReadOfAStagedFileEndsTheAttemptAtItsTimeoutAndTheRetryLoads() {
        assertThat(pipeline.run(TestFlows.path("retrying"), "20240103").getBatchStatus()).isEqualTo(BatchStatus.COMPLETED);
        Postgres.execute(pipeline.warehouse, "DELETE FROM t_target WHERE c = DATE '2024-01-03'");
        Path flow = FlowFile.named("load-within-3s")
                .step("load", "load", "database", "warehouse", "table", "t_target", "source", "rds/t3/${mydate}/",
                        "replaceWhere", "c = DATE '${mydate}'", "timeout", "3", "retries", "1", "retryDelay", "0")
                .writeTo(pipeline.dir());
        flaky.stallNextReads(1);

        long started = System.nanoTime();
        JobExecution load = pipeline.run(flow.toString(), "20240103");

        assertThat(load.getBatchStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("3 s and a retry, not the minute of the stall")
                .isLessThan(Duration.ofSeconds(20));
        assertThat(pipeline.targetRows("2024-01-03")).isEqualTo(100);
    }

    @Test
    void aStalledUploadEndsTheAttemptAtItsTimeoutAndNothingIsPublished() throws Exception {
        Path flow = FlowFile.named("extract-within-3s")
                .step("extract", "extract", "database", "source", "query", "SELECT * FROM t_src WHERE c = DATE '${mydate}'",
                        "target", "stalled/${mydate}/", "timeout", "3")
                .writeTo(pipeline.dir());
        flaky.stallNextUploads(1);

        long started = System.nanoTime();
        JobExecution extract = pipeline.run(flow.toString(), "20240101");

        assertThat(extract.getBatchStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the 3 s timeout, not the minute of the stall")
                .isLessThan(Duration.ofSeconds(15));
        String exitStatus = pipeline.inspect(r -> r.operator().getStepExecutions(extract.getExecutionId()).get(0).getExitStatus());
        assertThat(exitStatus).contains("timed out after 3 s");
        try (var store = pipeline.store()) {
            assertThat(store.list("stalled/")).extracting(o -> o.key()).as("no manifest").noneMatch(k -> k.endsWith("_manifest.json"));
        }
    }

    @Test
    void aTimedOutAttemptWhoseUploadLandsLateCannotOverwriteTheFilesOfTheRetry() throws Exception {
        Path flow = FlowFile.named("late-upload")
                .step("extract", "extract", "database", "source", "query", "SELECT * FROM t_src WHERE c = DATE '${mydate}'",
                        "target", "late/${mydate}/", "timeout", "3", "retries", "1", "retryDelay", "0")
                .writeTo(pipeline.dir());
        flaky.delayNextUploads(1, Duration.ofSeconds(6));
        // While the first attempt's upload is held, the day's rows change: the retry extracts 103 rows, the held upload 100.
        Thread change = new Thread(() -> {
            try {
                Await.until("the first attempt's upload is held", Duration.ofSeconds(30), () -> flaky.uploadsHeld() > 0);
                Postgres.execute(pipeline.source, "INSERT INTO t_src VALUES (990001, 1, DATE '2024-01-03'), (990002, 2, DATE '2024-01-03'),"
                        + " (990003, 3, DATE '2024-01-03')");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        change.start();

        JobExecution extract = pipeline.run(flow.toString(), "20240103");
        change.join();
        Await.until("the held upload has landed", Duration.ofSeconds(30), () -> flaky.heldUploadsLanded() > 0);

        assertThat(extract.getBatchStatus()).isEqualTo(BatchStatus.COMPLETED);
        try (var store = pipeline.store()) {
            Partition partition = new Partition(store, "late/20240103/");
            Manifest manifest = partition.readPublished().orElseThrow().manifest();
            assertThat(manifest.rows()).as("the retry's rows").isEqualTo(103);
            for (ManifestFile file : manifest.files()) {
                byte[] stored;
                try (var in = store.open(partition.key(file.name()))) {
                    stored = in.readAllBytes();
                }
                assertThat(FileDigest.sha256(stored)).as(file.name() + " is still the retry's file").isEqualTo(file.sha256());
            }
        }
    }
}
