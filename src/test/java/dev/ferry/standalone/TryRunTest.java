package dev.ferry.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.store.ObjectStore;
import dev.ferry.testing.PerClassDatabases;
import dev.ferry.testing.Pipeline;
import dev.ferry.testing.Postgres;
import dev.ferry.testing.TestFlows;
import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** ferry try-run rehearses a flow, lists every problem at once, and changes nothing. */
@ExtendWith(PerClassDatabases.class)
class TryRunTest {

    static Pipeline pipeline;

    @BeforeAll
    static void setUp(Pipeline created) {
        pipeline = created;
        pipeline.createReferenceTables(50);
        Postgres.execute(pipeline.warehouse, "CREATE TABLE t_narrow (a int, b int)");
        pipeline.config.set("ferry.db.crm.url", "jdbc:postgresql://127.0.0.1:1/crm").set("ferry.db.crm.connect-timeout", "1");
    }

    @Test
    void theReferenceFlowRehearsesCleanlyWithASampleAndLeavesNoTrace() throws IOException {
        Pipeline.CliResult result = pipeline.cli("try-run", "rds-to-adb", "-d", "20240102", "--sample", "5");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("COPY (SELECT * FROM t_src WHERE c >= DATE '20240102' AND c < DATE '20240102' + 1) TO STDOUT")
                .contains("DELETE FROM t_target WHERE c = DATE '20240102'").contains("EXPLAIN: ")
                .contains("sample: 5 row(s) extracted to").containsPattern("loaded into a temporary copy of \\S+ in binary").contains("no problems found");
        assertNothingChanged();
    }

    @Test
    void aMissingTargetColumnAndAnUnreachableDatabaseAreBothReported() throws IOException {
        Pipeline.CliResult result = pipeline.cli("try-run", TestFlows.path("try-run"), "-d", "20240102", "--sample", "5");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).contains("2 problem(s):")
                .contains("step load: t_narrow takes 2 column(s) [a int4, b int4] but the query of step extract gives 3 [a int4, b int4, c date]")
                .contains("database 'crm': cannot connect to database 'crm'");
        assertNothingChanged();
    }

    @Test
    void aStoreThatCannotBeWrittenIsReportedWithWhatIsWrong() throws IOException {
        java.nio.file.Path inTheWay = java.nio.file.Files.writeString(pipeline.dir().resolve("not-a-folder"), "a file");
        pipeline.config.set("ferry.store.url", "file:" + inTheWay);
        try {
            Pipeline.CliResult result = pipeline.cli("try-run", "rds-to-adb", "-d", "20240102");

            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.out()).contains("store " + inTheWay + " cannot be written: ")
                    .contains("a file is where the store needs a folder").doesNotContain("reachable");
        } finally {
            pipeline.config.set("ferry.store.url", "file:" + pipeline.dir().resolve("store"));
        }
    }

    private static void assertNothingChanged() throws IOException {
        assertThat(Postgres.count(pipeline.warehouse, "SELECT count(*) FROM t_target")).isZero();
        assertThat(Postgres.count(pipeline.warehouse, "SELECT count(*) FROM t_narrow")).isZero();
        assertThat(Postgres.count(pipeline.repository, "SELECT count(*) FROM ferry_claim")).isZero();
        try (ObjectStore store = pipeline.store()) {
            assertThat(store.list("")).isEmpty();
        }
    }
}
