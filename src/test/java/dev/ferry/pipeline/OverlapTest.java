package dev.ferry.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.PerClassDatabases;
import dev.ferry.testing.Pipeline;
import dev.ferry.testing.Postgres;
import jakarta.batch.runtime.BatchStatus;
import jakarta.batch.runtime.JobExecution;
import jakarta.batch.runtime.StepExecution;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A load that follows its extract (a split, {@code follow}) reads each file as soon as it is written and
 * commits only after the manifest: the same rows as one after the other, and nothing when the extract fails.
 */
@ExtendWith(PerClassDatabases.class)
class OverlapTest {

    static final int ROWS = 100_000;
    static Pipeline pipeline;

    @BeforeAll
    static void setUp(Pipeline created) {
        pipeline = created;
        pipeline.createReferenceTables(ROWS);
        Postgres.execute(pipeline.warehouse,
                "INSERT INTO t_target SELECT a, -1, DATE '2024-01-01' + d FROM generate_series(1, 7) a, generate_series(0, 2) d",
                // when each COPY into t_target began, and a switch that makes them fail
                "CREATE TABLE copy_started (at timestamptz)", "CREATE TABLE fail_loads (on_purpose boolean)",
                "CREATE FUNCTION note_copy() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " IF EXISTS (SELECT 1 FROM fail_loads) THEN RAISE EXCEPTION 'loads fail on purpose'; END IF;"
                        + " INSERT INTO copy_started VALUES (clock_timestamp()); RETURN NULL; END $$",
                "CREATE TRIGGER note_copy BEFORE INSERT ON t_target FOR EACH STATEMENT EXECUTE FUNCTION note_copy()");
    }

    @Test
    void theLoadReadsFilesWhileTheExtractWritesThemAndLoadsExactlyTheSourceRows() throws Exception {
        JobExecution run = pipeline.run(flow("overlap", "SELECT * FROM t_src WHERE c = DATE '${mydate}'").toString(), "20240101");

        assertThat(run.getBatchStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(pipeline.targetRows("2024-01-01")).isEqualTo(ROWS);
        assertThat(Postgres.count(pipeline.warehouse, "SELECT count(*) FROM t_target WHERE c = DATE '2024-01-01' AND b = -1"))
                .as("the rows there before were replaced").isZero();
        StepExecution extract = step(run, "extract");
        assertThat(Postgres.count(pipeline.warehouse, "SELECT count(*) FROM copy_started WHERE at < '"
                + extract.getEndTime().toInstant() + "'")).as("files loaded before the extract ended").isPositive();
    }

    @Test
    void anExtractThatFailsMidwayLeavesTheTargetAsItWas() throws Exception {
        // the 60,000th row of the day divides by zero, after several files were written and loaded
        JobExecution run = pipeline.run(flow("overlap-failing", "SELECT * FROM t_src WHERE c = DATE '${mydate}'"
                + " AND 1 / (a - (100000 * ((c - DATE '2024-01-01') + 0) + 60000)) IS NOT NULL").toString(), "20240102");

        assertThat(run.getBatchStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(step(run, "load").getExitStatus()).contains("the extract that writes").contains("division by zero")
                .contains("t_target is unchanged");
        assertThat(pipeline.targetRows("2024-01-02")).as("the 7 rows that were there").isEqualTo(7);
    }

    @Test
    void aRestartAfterAFailedLoadReloadsFromTheStoreWithoutExtractingAgain() throws Exception {
        Path flow = flow("overlap-restart", "SELECT * FROM t_src WHERE c = DATE '${mydate}'");
        Postgres.execute(pipeline.warehouse, "INSERT INTO fail_loads VALUES (true)");
        JobExecution failed;
        try {
            failed = pipeline.run(flow.toString(), "20240103");
        } finally {
            Postgres.execute(pipeline.warehouse, "DELETE FROM fail_loads");
        }
        assertThat(failed.getBatchStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(step(failed, "extract").getBatchStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(pipeline.targetRows("2024-01-03")).isEqualTo(7);

        JobExecution restarted = pipeline.inspect(runtime -> {
            try {
                return runtime.await(runtime.operator().restart(failed.getExecutionId(), new java.util.Properties()));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        assertThat(restarted.getBatchStatus()).isEqualTo(BatchStatus.COMPLETED);
        List<String> steps = pipeline.inspect(r -> r.operator().getStepExecutions(restarted.getExecutionId()).stream()
                .map(StepExecution::getStepName).toList());
        assertThat(steps).as("the restart did not extract again").containsExactly("load");
        assertThat(pipeline.targetRows("2024-01-03")).isEqualTo(ROWS);
    }

    @Test
    void aFollowingLoadWhoseConnectionIsLostRetriesByLoadingThePublishedPartition() throws Exception {
        Postgres.execute(pipeline.source, "INSERT INTO t_src SELECT 900000000 + i, i % 7, DATE '2024-01-10' FROM generate_series(1, " + ROWS + ") i");
        // The first COPY into t_target ends its own session, as a failover would: a transient failure. (The
        // pg_sleep only gives the termination a point to take effect; it is cut short at once.)
        Postgres.execute(pipeline.warehouse, "CREATE SEQUENCE copies_killed",
                "CREATE FUNCTION kill_first_copy() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " IF nextval('copies_killed') = 1 THEN PERFORM pg_terminate_backend(pg_backend_pid()); PERFORM pg_sleep(5); END IF;"
                        + " RETURN NULL; END $$",
                "CREATE TRIGGER kill_first_copy BEFORE INSERT ON t_target FOR EACH STATEMENT EXECUTE FUNCTION kill_first_copy()");
        JobExecution run;
        try {
            run = pipeline.run(flow("overlap-retry", "SELECT * FROM t_src WHERE c = DATE '${mydate}'", "1").toString(), "20240110");
        } finally {
            Postgres.execute(pipeline.warehouse, "DROP TRIGGER kill_first_copy ON t_target");
        }

        assertThat(run.getBatchStatus()).as(step(run, "load").getExitStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(Postgres.count(pipeline.warehouse, "SELECT last_value FROM copies_killed")).as("COPYs after the one cut off")
                .isGreaterThan(1);
        assertThat(pipeline.targetRows("2024-01-10")).isEqualTo(ROWS);
        assertThat(step(run, "extract").getBatchStatus()).isEqualTo(BatchStatus.COMPLETED);
    }

    @Test
    void bothStepsOfASplitStartedOutsideFerryHoldTheDatesOneClaim() throws Exception {
        Path flow = flow("overlap-outside", "SELECT * FROM t_src WHERE c = DATE '${mydate}'");
        // Started as JBeret's API (or jboss-cli) starts a job: no claim token, not forced. The extract and the load
        // start side by side; whichever claims the date first, the other must know the claim as its execution's.
        for (int day = 4; day <= 9; day++) {
            String mydate = "2024010" + day;
            JobExecution run = pipeline.run(flow.toString(), Map.of("mydate", mydate, "ferry.forced", "false"));
            assertThat(run.getBatchStatus()).as(mydate + ": " + step(run, "load").getExitStatus() + " / "
                    + step(run, "extract").getExitStatus()).isEqualTo(BatchStatus.COMPLETED);
        }
    }

    private static StepExecution step(JobExecution run, String name) {
        return pipeline.inspect(r -> r.operator().getStepExecutions(run.getExecutionId()).stream()
                .filter(s -> s.getStepName().equals(name)).findFirst().orElseThrow());
    }

    /** Extract and load side by side in a split; files of about 200 kB so that there are several. */
    private static Path flow(String name, String query) throws IOException {
        return flow(name, query, "0");
    }

    private static Path flow(String name, String query, String loadRetries) throws IOException {
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <job id="%s" xmlns="https://jakarta.ee/xml/ns/jakartaee" version="2.0">
                    <split id="move">
                        <flow id="extracting">
                            <step id="extract">
                                <batchlet ref="extract">
                                    <properties>
                                        <property name="database" value="source"/>
                                        <property name="query" value="%s"/>
                                        <property name="target" value="%s/${mydate}/"/>
                                        <property name="maxFileBytes" value="200000"/>
                                    </properties>
                                </batchlet>
                            </step>
                        </flow>
                        <flow id="loading">
                            <step id="load">
                                <batchlet ref="load">
                                    <properties>
                                        <property name="database" value="warehouse"/>
                                        <property name="table" value="t_target"/>
                                        <property name="source" value="%s/${mydate}/"/>
                                        <property name="replaceWhere" value="c = DATE '${mydate}'"/>
                                        <property name="follow" value="extract"/>
                                        <property name="retries" value="%s"/>
                                        <property name="retryDelay" value="1"/>
                                    </properties>
                                </batchlet>
                            </step>
                        </flow>
                    </split>
                </job>
                """.formatted(name, query.replace("'", "&apos;").replace("<", "&lt;"), name, name, loadRetries);
        return Files.writeString(pipeline.dir().resolve(name + ".xml"), xml);
    }
}
