package dev.ferry.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.FlowFile;
import dev.ferry.testing.PerClassDatabases;
import dev.ferry.testing.Pipeline;
import dev.ferry.testing.TestFlows;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** ferry validate lists every problem of a flow with its line, and passes the reference flow. */
@ExtendWith(PerClassDatabases.class)
class ValidateTest {

    static Pipeline pipeline;

    @BeforeAll
    static void setUp(Pipeline created) {
        pipeline = created;
    }

    @Test
    void theReferenceFlowIsValid() {
        Pipeline.CliResult result = pipeline.cli("validate", "rds-to-adb");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("flow rds-to-adb is valid");
    }

    @Test
    void everyProblemIsListedWithItsLine() {
        String flow = TestFlows.path("broken");
        Pipeline.CliResult result = pipeline.cli("validate", flow);

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out())
                .contains(flow + ":5: step unknown-ref: unknown batchlet 'extrakt'")
                .contains(flow + ":11: step typo: the load batchlet has no property 'tabel' (did you mean 'table'?)")
                .contains(flow + ":8: step typo: the load batchlet needs property 'table'")
                .contains(flow + ":20: step undefined, property query: '${region}' is not defined")
                .contains(flow + ":21: step undefined, property target: '${mydate+1x}' is not a variable")
                .contains(flow + ":28: step no-db: no database named 'dwh' is configured")
                .contains(flow + ":37: step no-script: script file 'sql/missing.sql'")
                .containsPattern(flow + ":41: not valid JSR-352 job XML: .*unexpected")
                .contains("8 problem(s)");
    }

    @Test
    void aLoadItsWarehousesConfiguredDialectCannotDoIsRefusedWithItsLine() throws Exception {
        FlowFile.named("to-adb").step("load", "load", "database", "warehouse", "table", "t_target", "source", "x/${mydate}/",
                "mode", "exchange", "partitionValue", "${mydate|yyyy-MM-dd}", "method", "external").writeTo(pipeline.flowsFolder());
        pipeline.config.set("ferry.db.warehouse.dialect", "greenplum");
        try {
            Pipeline.CliResult greenplum = pipeline.cli("validate", "to-adb");
            assertThat(greenplum.exitCode()).isEqualTo(1);
            assertThat(greenplum.out()).containsPattern("to-adb:\\d+: step load, property mode: mode exchange swaps partitions .* greenplum does"
                    + " not say which of these warehouse is: set ferry.db.warehouse.dialect");

            pipeline.config.set("ferry.db.warehouse.dialect", "adb7");
            Pipeline.CliResult adb = pipeline.cli("validate", "to-adb");
            assertThat(adb.exitCode()).isEqualTo(1);
            assertThat(adb.out()).doesNotContain("property mode")
                    .containsPattern("to-adb:\\d+: step load, property method: method external on adb7 reads an OSS bucket; the store is .*"
                            + "Use an s3:// store on OSS, or method copy");

            pipeline.config.set("ferry.db.warehouse.dialect", "postgresql");
            Pipeline.CliResult postgres = pipeline.cli("validate", "to-adb");
            assertThat(postgres.exitCode()).as(postgres.all()).isZero();

            pipeline.config.set("ferry.db.warehouse.dialect", "oracle");
            assertThat(pipeline.cli("validate", "to-adb").out()).contains("ferry.db.warehouse.dialect is 'oracle', which is none of postgresql");
        } finally {
            pipeline.config.remove("ferry.db.warehouse.dialect");
        }
        assertThat(pipeline.cli("validate", "to-adb").exitCode()).as("no dialect set: the warehouse's version() decides at the run").isZero();
    }

    @Test
    void variablesInScriptFilesCountAndGivenParametersDefineThem() {
        Pipeline.CliResult without = pipeline.cli("validate", TestFlows.path("sql-script"));
        assertThat(without.exitCode()).isEqualTo(1);
        assertThat(without.out()).contains("step summarise, script file flows/summarise.sql: line 5: '${region}' is not defined");

        Pipeline.CliResult with = pipeline.cli("validate", TestFlows.path("sql-script"), "-p", "region=east");
        assertThat(with.exitCode()).isZero();
        assertThat(with.out()).contains("is valid");
    }

    @Test
    void aValueTheStepCannotTakeIsFoundBeforeTheFlowRunsWithItsLine() {
        Path flow = FlowFile.named("bad-values")
                .step("wide", "extract", "database", "source", "query", "SELECT 1", "target", "t/${mydate}/", "delimiter", "||")
                .step("upsert", "load", "database", "warehouse", "table", "t_target", "source", "t/${mydate}/", "mode", "upsert")
                .step("forever", "sql", "database", "warehouse", "script", "SELECT 1", "timeout", "-1")
                .step("unsure", "extract", "database", "source", "query", "SELECT 1", "target", "u/${mydate}/", "header", "yes")
                .step("where", "load", "database", "warehouse", "table", "t_target", "source", "u/${mydate}/")
                .writeTo(pipeline.dir());

        Pipeline.CliResult result = pipeline.cli("validate", flow.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out())
                .containsPattern(":9: step wide, property delimiter: .*one character")
                .contains(":19: step upsert, property mode: mode 'upsert' is not one of replace, append, truncate")
                .contains(":28: step forever, property timeout: must be 0 or more (got -1)")
                .contains(":38: step unsure, property header: 'yes' is not true or false")
                .contains("step where, property replaceWhere: mode replace needs replaceWhere")
                .contains("5 problem(s)");
        assertThat(pipeline.cli("run", flow.toString(), "-d", "20240101").exitCode()).as("refused before it runs").isEqualTo(2);
    }
}
