package dev.ferry.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.partition.Partition;
import dev.ferry.store.ObjectStore;
import dev.ferry.store.ObjectUpload;
import dev.ferry.testing.PerClassDatabases;
import dev.ferry.testing.Pipeline;
import dev.ferry.testing.Postgres;
import dev.ferry.testing.TestFlows;
import jakarta.batch.runtime.BatchStatus;
import jakarta.batch.runtime.JobExecution;
import jakarta.batch.runtime.StepExecution;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad input fails with a message that says what and where, runs no SQL, and never half-loads the target. */
@ExtendWith(PerClassDatabases.class)
class BadInputTest {

    static final String PARTITION = "rds/t3/20240102/";
    static Pipeline pipeline;
    static Path store;

    @BeforeAll
    static void createTables(Pipeline created) {
        pipeline = created;
        store = pipeline.dir().resolve("store");
        pipeline.createReferenceTables(200);
    }

    @BeforeEach
    void loadTheSecondOfJanuaryOnce() {
        Postgres.execute(pipeline.warehouse, "TRUNCATE t_target");
        assertThat(pipeline.run("rds-to-adb", "20240102").getBatchStatus()).isEqualTo(BatchStatus.COMPLETED);
        Postgres.execute(pipeline.warehouse, "INSERT INTO t_target VALUES (-1, -1, DATE '2024-01-02')");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-13-01", "20240101; DROP TABLE t_src", ""})
    void aBadDateOnTheCommandLineStartsNothing(String date) {
        Pipeline.CliResult result = pipeline.cli("run", "rds-to-adb", "--date", date);

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("mydate").contains("yyyyMMdd");
        assertThat(result.out()).doesNotContain("started");
        assertThat(Postgres.tableExists(pipeline.source, "t_src")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-13-01", "20240101; DROP TABLE t_src", ""})
    void aBadDateAsAJobParameterFailsTheFirstStepBeforeAnySql(String date) throws IOException {
        JobExecution execution = pipeline.run("rds-to-adb", Map.of("mydate", date));

        assertThat(execution.getBatchStatus()).isEqualTo(BatchStatus.FAILED);
        StepExecution extract = onlyStep(execution);
        assertThat(extract.getExitStatus()).contains("flow rds-to-adb, step extract").contains("mydate").contains("yyyyMMdd");
        assertThat(Postgres.tableExists(pipeline.source, "t_src")).isTrue();
        assertThat(Postgres.count(pipeline.warehouse, "SELECT count(*) FROM t_target")).isEqualTo(201);
        try (ObjectStore store = pipeline.store()) {
            assertThat(store.list("rds/t3/2024")).extracting(o -> o.key()).allMatch(k -> k.startsWith(PARTITION));
        }
    }

    @Test
    void anUnknownDatabaseIsNamedWithTheFlowStepAndProperty() {
        StepExecution step = onlyStep(pipeline.run(TestFlows.path("unknown-database"), "20240102"));

        assertThat(step.getBatchStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(step.getExitStatus()).contains("flow unknown-database, step extract, property database")
                .contains("no database named 'nosuch'").contains("ferry.db.nosuch.url");
    }

    @Test
    void aSqlErrorNamesTheStatementAndLineAndRollsBackTheScript() {
        StepExecution step = onlyStep(pipeline.run(TestFlows.path("script-error"), "20240102"));

        assertThat(step.getBatchStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(step.getExitStatus()).contains("flow script-error, step transform")
                .contains("statement 3 (line 4: INSERT INTO t_target (a, b, nope)").contains("nope");
        assertThat(pipeline.targetRows("2024-01-02")).as("the DELETE of statement 1 was rolled back").isEqualTo(201);
    }

    @Test
    void aTruncatedFileIsRefusedBeforeAnythingIsDeleted() throws IOException {
        rewrite(PARTITION + "part-00000.csv", bytes -> java.util.Arrays.copyOf(bytes, bytes.length / 2));

        assertRefusedAndTargetUnchanged("part-00000.csv has", "the manifest says");
    }

    @Test
    void aFileChangedInPlaceIsRefusedAndTheLoadRolledBack() throws IOException {
        // Same size, still valid CSV: only the SHA-256 tells, after the COPY ran inside the transaction.
        rewrite(PARTITION + "part-00000.csv", bytes -> new String(bytes, StandardCharsets.UTF_8)
                .replaceFirst("100001\\|", "100009|").getBytes(StandardCharsets.UTF_8));

        assertRefusedAndTargetUnchanged("differs from its manifest", "rolled back, the target is unchanged");
    }

    @Test
    void aFileThatNoLongerParsesIsReportedAsChangedNotAsBadData() throws IOException {
        rewrite(PARTITION + "part-00000.csv", bytes -> new String(bytes, StandardCharsets.UTF_8)
                .replaceFirst("\\|", ",").getBytes(StandardCharsets.UTF_8));

        assertRefusedAndTargetUnchanged("differs from its manifest", "PostgreSQL said", "invalid input syntax");
    }

    @Test
    void aTamperedManifestIsRefusedAndTheLoadRolledBack() throws IOException {
        rewrite(PARTITION + Partition.MANIFEST, bytes -> new String(bytes, StandardCharsets.UTF_8)
                .replace("\"rows\": 200", "\"rows\": 201").getBytes(StandardCharsets.UTF_8));

        assertRefusedAndTargetUnchanged("its manifest was changed after the extract published it", "rerun the extract");
    }

    @Test
    void aMissingManifestOrAnExtraFileIsRefused() throws IOException {
        try (ObjectStore store = pipeline.store(); ObjectUpload extra = store.create(PARTITION + "part-00007.csv")) {
            extra.write("9|9|2024-01-02\n".getBytes(StandardCharsets.UTF_8));
            extra.commit();
        }
        assertRefusedAndTargetUnchanged("part-00007.csv is not in the manifest (remove " + store.resolve(PARTITION + "part-00007.csv"));

        try (ObjectStore store = pipeline.store()) {
            store.delete(PARTITION + Partition.MANIFEST);
        }
        assertRefusedAndTargetUnchanged("no _manifest.json", "run the extract step first");
    }

    @Test
    void aFileThatIsNotFerrysInAPartitionIsLeftAloneAndDoesNotBlockTheDate() throws IOException {
        Path readme = store.resolve(PARTITION + "README.txt");
        Files.writeString(readme, "what this folder is for");

        assertThat(pipeline.run(TestFlows.path("load-only"), "20240102").getBatchStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(pipeline.targetRows("2024-01-02")).isEqualTo(200);
        assertThat(pipeline.run("rds-to-adb", "20240102").getBatchStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(readme).exists();
    }

    @Test
    void aRepublishedPartitionKeepsNoUnfinishedUploadOfAKilledAttempt() throws IOException {
        Path part = store.resolve(PARTITION + ".part-00000.csv.tmp-" + UUID.randomUUID());
        Path manifest = store.resolve(PARTITION + "._manifest.json.tmp-" + UUID.randomUUID());
        Files.writeString(part, "1|1|2024-01-02\n2|");
        Files.writeString(manifest, "{");

        assertThat(pipeline.run("rds-to-adb", "20240102").getBatchStatus()).isEqualTo(BatchStatus.COMPLETED);

        assertThat(part).doesNotExist();
        assertThat(manifest).doesNotExist();
    }

    @Test
    void aMissingTableIsNamedWithoutAPositionInFerrysGeneratedCopy() {
        StepExecution extract = onlyStep(pipeline.run(TestFlows.path("missing-table"), "20240102"));

        assertThat(extract.getExitStatus()).contains("flow missing-table, step extract").contains("relation \"t_nowhere\" does not exist")
                .doesNotContain("Position");
    }

    @Test
    void anUnreachableDatabaseIsNamedWithoutItsPassword() {
        pipeline.config.set("ferry.db.source.url", "jdbc:postgresql://127.0.0.1:1/nowhere")
                .set("ferry.db.source.password", "Pw-never-shown-42")
                .set("ferry.db.source.connect-timeout", "1");
        try {
            StepExecution extract = onlyStep(pipeline.run("rds-to-adb", "20240102"));

            assertThat(extract.getExitStatus()).contains("flow rds-to-adb, step extract")
                    .contains("cannot connect to database 'source'").contains("127.0.0.1:1")
                    .doesNotContain("Pw-never-shown-42");
        } finally {
            pipeline.config.database("source", pipeline.source).set("ferry.db.source.password", "")
                    .set("ferry.db.source.connect-timeout", "30");
        }
    }

    @Test
    void aRefusedLoginFailsAtOnceAfterOneAttemptAndIsNotRetried() {
        pipeline.config.set("ferry.db.refused.url", pipeline.source).set("ferry.db.refused.user", "ferry_no_such_role")
                .set("ferry.db.refused.password", "Pw-never-shown-43");
        try {
            long started = System.nanoTime();
            StepExecution extract = onlyStep(pipeline.run(TestFlows.path("refused-login"), "20240102"));

            assertThat(extract.getExitStatus()).contains("flow refused-login, step extract").contains("refused the login")
                    .contains("ferry_no_such_role").contains("not retried").doesNotContain("Pw-never-shown-43");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("neither the pool's 30 s nor 3 retries").isLessThan(Duration.ofSeconds(5));
        } finally {
            pipeline.config.remove("ferry.db.refused.url").remove("ferry.db.refused.user").remove("ferry.db.refused.password");
        }
    }

    private static void assertRefusedAndTargetUnchanged(String... messageParts) {
        String before = snapshot();
        StepExecution load = onlyStep(pipeline.run(TestFlows.path("load-only"), "20240102"));

        assertThat(load.getBatchStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(load.getExitStatus()).contains("flow load-only, step load").contains(messageParts);
        assertThat(snapshot()).isEqualTo(before);
    }

    /** The whole target, in a canonical order, as text. */
    private static String snapshot() {
        return String.valueOf(Postgres.count(pipeline.warehouse, "SELECT count(*) FROM t_target")) + ":"
                + Postgres.count(pipeline.warehouse, "SELECT coalesce(sum(hashtext(t::text)), 0) FROM t_target t");
    }

    private static StepExecution onlyStep(JobExecution execution) {
        List<StepExecution> steps = pipeline.inspect(r -> r.operator().getStepExecutions(execution.getExecutionId()));
        assertThat(steps).hasSize(1);
        return steps.get(0);
    }

    private static void rewrite(String key, java.util.function.UnaryOperator<byte[]> change) throws IOException {
        try (ObjectStore store = pipeline.store()) {
            byte[] bytes;
            try (InputStream in = store.open(key)) {
                bytes = in.readAllBytes();
            }
            try (ObjectUpload out = store.create(key)) {
                out.write(change.apply(bytes));
                out.commit();
            }
        }
    }
}
