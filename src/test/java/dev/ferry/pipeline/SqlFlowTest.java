package dev.ferry.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.FlowFile;
import dev.ferry.testing.LogCapture;
import dev.ferry.testing.PerClassDatabases;
import dev.ferry.testing.Pipeline;
import dev.ferry.testing.Postgres;
import dev.ferry.testing.TestFlows;
import jakarta.batch.runtime.BatchStatus;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A user's own flow: a SQL script file written for the reference system, run as it is with its variables. */
@ExtendWith(PerClassDatabases.class)
class SqlFlowTest {

    static Pipeline pipeline;

    @BeforeAll
    static void setUp(Pipeline created) {
        pipeline = created;
        pipeline.createReferenceTables(40);
        Postgres.execute(pipeline.warehouse, "CREATE TABLE t_daily (c date, n bigint, note text)");
        Postgres.execute(pipeline.warehouse, "INSERT INTO t_target SELECT i, 0, DATE '2024-01-05' FROM generate_series(1, 7) i");
    }

    @Test
    void runsAScriptFileWithVariablesFromTheCommandLineInOneTransaction() {
        Pipeline.CliResult result = pipeline.cli("run", TestFlows.path("sql-script"), "-d", "20240105", "-p", "region=east");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("summarise").contains("COMPLETED");
        assertThat(result.err()).contains("statement 3 (line 4) INSERT INTO t_daily: 1 row(s)");
        assertThat(Postgres.count(pipeline.warehouse,
                "SELECT n FROM t_daily WHERE c = DATE '2024-01-05' AND note = 'loaded; from east'")).isEqualTo(7);
    }

    @Test
    void aMissingVariableFailsNamingItBeforeAnyStatementRuns() {
        Pipeline.CliResult result = pipeline.cli("run", TestFlows.path("sql-script"), "-d", "20240106");

        assertThat(result.exitCode()).as("refused before it starts").isEqualTo(2);
        assertThat(result.err()).contains("flow " + TestFlows.path("sql-script") + " was not started")
                .contains("step summarise, script file").contains("line 5: '${region}' is not defined");

        // Started past Ferry's checks (JBeret's own API), the step itself still refuses it before any statement.
        long id = pipeline.run(TestFlows.path("sql-script"), "20240106").getExecutionId();
        String exitStatus = pipeline.inspect(runtime -> runtime.operator().getStepExecutions(id).get(0).getExitStatus());
        assertThat(exitStatus).contains("flow sql-script, step summarise, property scriptFile: line 5: '${region}' is not defined");
        assertThat(Postgres.count(pipeline.warehouse, "SELECT count(*) FROM t_daily WHERE c = DATE '2024-01-06'")).isZero();
    }

    @Test
    void aLongStatementSaysEveryFiveSecondsThatItIsStillRunning(@TempDir Path flows) {
        String flow = FlowFile.named("waits").step("wait", "sql", "database", "warehouse", "script", "SELECT pg_sleep(6)")
                .writeTo(flows).toString();
        try (LogCapture log = LogCapture.of("dev.ferry.sql")) {
            assertThat(pipeline.run(flow, "20240107").getBatchStatus()).isEqualTo(BatchStatus.COMPLETED);
            assertThat(log.messages()).contains("waits/wait 20240107: still running after 5 s");
        }
    }

    @Test
    void jsr352JobParameterExpressionsWorkBesideFerryVariables() {
        assertThat(pipeline.cli("run", TestFlows.path("jsr352-parameters"), "-d", "20240107").exitCode()).isZero();

        assertThat(Postgres.count(pipeline.warehouse,
                "SELECT n FROM t_daily WHERE c = DATE '2024-01-07' AND note = 'jsr-352 2024'")).isEqualTo(42);
    }
}
