package dev.ferry.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.standalone.StandaloneRuntime;
import dev.ferry.testing.Await;
import dev.ferry.testing.FlowFile;
import dev.ferry.testing.PerClassDatabases;
import dev.ferry.testing.Pipeline;
import dev.ferry.testing.Postgres;
import jakarta.batch.runtime.BatchStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the load proves before it commits: the partition is the one its extract published, where and for
 * the date it was published, and in mode replace the rows it loads are exactly the rows it replaces. A load
 * that cannot prove it changes nothing.
 */
@ExtendWith(PerClassDatabases.class)
class LoadProofTest {

    static Pipeline pipeline;
    static Path store;
    static Path flows;

    @BeforeAll
    static void setUp(Pipeline created) throws IOException {
        pipeline = created;
        store = pipeline.dir().resolve("store");
        flows = Files.createDirectories(pipeline.dir().resolve("flows"));
        pipeline.config.set("ferry.flows.dir", flows.toString());
        Postgres.execute(pipeline.source, "CREATE TABLE t_src (a int, b text, c date)",
                "INSERT INTO t_src SELECT d * 1000 + i, 'café ' || i, DATE '2024-03-17' + d FROM generate_series(0, 3) d, generate_series(1, 200) i");
        Postgres.execute(pipeline.warehouse, "CREATE TABLE t_target (a int, b text, c date)");
        flow("no-date-target", "SELECT * FROM t_src WHERE c = DATE '${mydate}'", "staged/", "c = DATE '${mydate}'");
        flow("later-days-too", "SELECT * FROM t_src WHERE c >= DATE '${mydate}'", "later/${mydate}/", "c = DATE '${mydate}'");
    }

    static void flow(String name, String query, String prefix, String replaceWhere) {
        FlowFile.named(name)
                .step("extract", "extract", "database", "source", "query", query, "target", prefix)
                .step("load", "load", "database", "warehouse", "table", "t_target", "source", prefix, "replaceWhere", replaceWhere)
                .writeTo(flows);
    }

    @Test
    void aWarehouseUserWhoMayNotCreateTablesStillLoadsFencedByTheJobRepository() {
        String role = "ferry_loader_" + java.util.UUID.randomUUID().toString().substring(0, 8);
        Postgres.execute(pipeline.warehouse, "CREATE ROLE " + role + " LOGIN", "GRANT SELECT, INSERT, DELETE ON t_target TO " + role,
                "REVOKE CREATE ON SCHEMA public FROM PUBLIC");
        try {
            pipeline.config.database("loader", pipeline.warehouse).set("ferry.db.loader.user", role);
            FlowFile.named("as-loader")
                    .step("extract", "extract", "database", "source", "query", "SELECT * FROM t_src WHERE c = DATE '${mydate}'",
                            "target", "as-loader/${mydate}/")
                    .step("load", "load", "database", "loader", "table", "t_target", "source", "as-loader/${mydate}/",
                            "replaceWhere", "c = DATE '${mydate}'")
                    .writeTo(flows);

            Pipeline.CliResult run = pipeline.cli("run", "as-loader", "-d", "20240320");

            assertThat(run.exitCode()).as(run.all()).isZero();
            assertThat(run.err()).contains("ferry_fence").contains("loads are fenced by the job repository only");
            assertThat(pipeline.targetRows("2024-03-20")).isEqualTo(200);
        } finally {
            pipeline.config.remove("ferry.db.loader.url").remove("ferry.db.loader.user");
            Postgres.execute(pipeline.warehouse, "DROP OWNED BY " + role, "DROP ROLE " + role);
        }
    }

    @Test
    void aPartitionCopiedFromAnotherDatesPrefixIsRefusedAndBothDatesStayAsTheyWere() throws IOException {
        flow("copied", "SELECT * FROM t_src WHERE c = DATE '${mydate}'", "copied/${mydate}/", "c = DATE '${mydate}'");
        assertThat(pipeline.cli("run", "copied", "-d", "20240318").exitCode()).isZero();
        assertThat(pipeline.cli("run", "copied", "-d", "20240319").exitCode()).isZero();
        copyFolder(store.resolve("copied/20240319"), store.resolve("copied/20240318"));

        Pipeline.CliResult reload = pipeline.cli("run", "copied", "-d", "20240318", "--force", "-p", "ferry.steps=load");

        assertThat(reload.exitCode()).isEqualTo(1);
        assertThat(reload.out()).contains("its manifest was published under copied/20240319/")
                .contains("mydate 20240319").contains("store/copied/20240318: ");
        assertThat(pipeline.targetRows("2024-03-18")).isEqualTo(200);
        assertThat(pipeline.targetRows("2024-03-19")).isEqualTo(200);
    }

    @Test
    void aTargetWithoutMydateServesOnlyTheDateItWasLastExtractedFor() {
        assertThat(pipeline.cli("run", "no-date-target", "-d", "20240317").exitCode()).isZero();
        assertThat(pipeline.cli("run", "no-date-target", "-d", "20240320", "-p", "ferry.steps=extract").exitCode()).isZero();

        Pipeline.CliResult reload = pipeline.cli("run", "no-date-target", "-d", "20240317", "--force", "-p", "ferry.steps=load");

        assertThat(reload.exitCode()).isEqualTo(1);
        assertThat(reload.out()).contains("for mydate 20240317").contains("extracted for mydate 20240320")
                .contains("Does the extract's target name ${mydate}?");
        assertThat(pipeline.targetRows("2024-03-17")).isEqualTo(200);
        assertThat(pipeline.targetRows("2024-03-20")).isZero();
    }

    @Test
    void aQueryThatTakesMoreThanReplaceWhereReplacesIsRolledBackAndTryRunSaysSo() {
        Pipeline.CliResult tryRun = pipeline.cli("try-run", "later-days-too", "-d", "20240318", "--sample", "1000");
        assertThat(tryRun.exitCode()).isEqualTo(1);
        assertThat(tryRun.out()).contains("before commit: SELECT count(*) FROM t_target WHERE c = DATE '20240318'")
                .contains("400 of 600 sampled row(s) do not match replaceWhere");

        long before = Postgres.count(pipeline.warehouse, "SELECT count(*) FROM t_target");
        Pipeline.CliResult run = pipeline.cli("run", "later-days-too", "-d", "20240318");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("after loading 600 rows into t_target, 200 rows match replaceWhere (c = DATE '20240318')")
                .contains("duplicates").contains("t_target is unchanged");
        assertThat(Postgres.count(pipeline.warehouse, "SELECT count(*) FROM t_target")).as("nothing deleted or added").isEqualTo(before);
    }

    @Test
    void aReplaceWhereThatAlsoSelectsLaterDatesIsRefusedAndDeletesNothing() {
        flow("wider", "SELECT * FROM t_src WHERE c = DATE '${mydate}'", "wider/${mydate}/", "c >= DATE '${mydate|yyyy-MM-dd}'");
        for (String date : List.of("20240317", "20240318", "20240319")) {
            assertThat(pipeline.cli("run", "rds-to-adb", "-d", date, "--force").exitCode()).isZero();
        }

        // The rows of 17 March and every later date (other tests of this class load 20 March too).
        long fromThe17th = Postgres.count(pipeline.warehouse, "SELECT count(*) FROM t_target WHERE c >= DATE '2024-03-17'");
        assertThat(fromThe17th).isGreaterThanOrEqualTo(600);
        Pipeline.CliResult tryRun = pipeline.cli("try-run", "wider", "-d", "20240317");
        assertThat(tryRun.out()).contains("one-date check in t_target now: " + fromThe17th + " row(s) match replaceWhere for 20240316 (c >= DATE"
                + " '2024-03-16') or 20240318 (c >= DATE '2024-03-18') too");
        Pipeline.CliResult run = pipeline.cli("run", "wider", "-d", "20240317", "--force");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains(fromThe17th + " row(s) already in t_target match replaceWhere (c >= DATE '2024-03-17')")
                .contains("would delete rows of other dates").contains("t_target is unchanged");
        for (String day : List.of("2024-03-17", "2024-03-18", "2024-03-19")) {
            assertThat(pipeline.targetRows(day)).as(day).isEqualTo(200);
        }
    }

    @Test
    void aReplaceWhereWiderThanTheDateIsRefusedOnAFirstLoadIntoAnEmptyTableToo() {
        Postgres.execute(pipeline.warehouse, "CREATE TABLE t_fresh (a int, b text, c date)");
        FlowFile.named("wider-fresh")
                .step("extract", "extract", "database", "source", "query", "SELECT * FROM t_src WHERE c = DATE '${mydate}'",
                        "target", "fresh/${mydate}/")
                .step("load", "load", "database", "warehouse", "table", "t_fresh", "source", "fresh/${mydate}/",
                        "replaceWhere", "c <= DATE '${mydate}'")
                .writeTo(flows);

        Pipeline.CliResult run = pipeline.cli("run", "wider-fresh", "-d", "20240318");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("200 row(s) loaded in t_fresh match replaceWhere (c <= DATE '20240318')")
                .contains("20240319 (c <= DATE '20240319')");
        assertThat(Postgres.count(pipeline.warehouse, "SELECT count(*) FROM t_fresh")).isZero();
    }

    @Test
    void validateRefusesAReplaceWhereThatIsMoreThanOneExpressionOrNamesNoDate() {
        flow("two-statements", "SELECT * FROM t_src WHERE c = DATE '${mydate}'", "two/${mydate}/", "c = DATE '${mydate}'; DROP TABLE t_target");
        flow("breaks-out", "SELECT * FROM t_src WHERE c = DATE '${mydate}'", "out/${mydate}/", "c = DATE '${mydate}') OR (true");
        flow("no-date", "SELECT * FROM t_src WHERE c = DATE '${mydate}'", "nodate/${mydate}/", "a > 0");

        assertThat(pipeline.cli("validate", "two-statements").out())
                .contains("property replaceWhere").contains("must be one SQL expression, but it has a ;");
        assertThat(pipeline.cli("validate", "breaks-out").out())
                .contains("must be one SQL expression, but it closes a ) that it did not open");
        Pipeline.CliResult noDate = pipeline.cli("run", "no-date", "-d", "20240318");
        assertThat(noDate.exitCode()).isNotZero();
        assertThat(noDate.err()).contains("'a > 0' names no business date");
        assertThat(Postgres.tableExists(pipeline.warehouse, "t_target")).isTrue();
    }

    @Test
    void validateRefusesATargetOrSourceOutsideTheStore() {
        flow("climbs-out", "SELECT * FROM t_src WHERE c = DATE '${mydate}'", "../elsewhere/${mydate}/", "c = DATE '${mydate}'");
        flow("absolute", "SELECT * FROM t_src WHERE c = DATE '${mydate}'", "/var/tmp/${mydate}", "c = DATE '${mydate}'");

        Pipeline.CliResult climbs = pipeline.cli("validate", "climbs-out");
        assertThat(climbs.exitCode()).isNotZero();
        assertThat(climbs.out()).contains("step extract, property target: '../elsewhere/20000101/' is not a store prefix")
                .contains("step load, property source: '../elsewhere/20000101/' is not a store prefix");
        assertThat(pipeline.cli("validate", "absolute").out()).contains("property target: '/var/tmp/20000101' is not a store prefix");
    }

    @Test
    void runRefusesALoadWhoseTargetDoesNotTakeTheExtractsColumnsBeforeTheExtractRuns() {
        Postgres.execute(pipeline.warehouse, "CREATE TABLE t_two (a int, b text)");
        FlowFile.named("too-many-columns")
                .step("extract", "extract", "database", "source", "query", "SELECT * FROM t_src WHERE c = DATE '${mydate}'",
                        "target", "toomany/${mydate}/")
                .step("load", "load", "database", "warehouse", "table", "t_two", "source", "toomany/${mydate}/", "mode", "append")
                .writeTo(flows);

        Pipeline.CliResult run = pipeline.cli("run", "too-many-columns", "-d", "20240318");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("step load: t_two takes 2 column(s) [a int4, b text] but the query of step extract gives 3");
        assertThat(Files.exists(store.resolve("toomany"))).as("nothing extracted").isFalse();
    }

    @Test
    void runRefusesAtOnceWhenADatabaseItNeedsRefusesConnectionsBeforeTheFirstStep() {
        pipeline.config.set("ferry.db.offline.url", "jdbc:postgresql://127.0.0.1:1/nowhere");
        FlowFile.named("to-offline")
                .step("extract", "extract", "database", "source", "query", "SELECT * FROM t_src WHERE c = DATE '${mydate}'",
                        "target", "offline/${mydate}/")
                .step("load", "load", "database", "offline", "table", "t_target", "source", "offline/${mydate}/",
                        "replaceWhere", "c = DATE '${mydate}'")
                .writeTo(flows);
        long started = System.nanoTime();

        Pipeline.CliResult run = pipeline.cli("run", "to-offline", "-d", "20240318");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("database 'offline'").contains("Connection").contains("refused");
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).isLessThan(java.time.Duration.ofSeconds(10));
        assertThat(Files.exists(store.resolve("offline"))).as("nothing extracted").isFalse();
    }

    @Test
    void aManifestEditedToAnotherEncodingIsRefusedBeforeAnyRowChanges() throws IOException {
        flow("edited", "SELECT * FROM t_src WHERE c = DATE '${mydate}'", "edited/${mydate}/", "c = DATE '${mydate}'");
        assertThat(pipeline.cli("run", "edited", "-d", "20240319").exitCode()).isZero();
        Path manifest = store.resolve("edited/20240319/_manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replace("\"UTF8\"", "\"LATIN1\""));

        Pipeline.CliResult reload = pipeline.cli("run", "edited", "-d", "20240319", "--force", "-p", "ferry.steps=load");

        assertThat(reload.exitCode()).isEqualTo(1);
        assertThat(reload.out()).contains("its manifest was changed after the extract published it");
        assertThat(Postgres.count(pipeline.warehouse, "SELECT count(*) FROM t_target WHERE c = DATE '2024-03-19' AND b LIKE 'café %'"))
                .isEqualTo(200);
    }

    @Test
    void twoForcedLoadsOfOneDateAtOnceLeaveTheDateLoadedOnceByTheNewerRun() throws Exception {
        assertThat(pipeline.cli("run", "rds-to-adb", "-d", "20240320", "--force").exitCode()).isZero();
        // The forced run that claims the date last takes it over while the other loads: that one is fenced off at its commit.
        assertThat(loadedTogether("rds-to-adb", "rds-to-adb", List.of(BatchStatus.FAILED, BatchStatus.COMPLETED))).isEqualTo(200);
    }

    @Test
    void twoLoadsOfOneDateThatSpellTheTableAndConditionApartStillLoadItOnce() throws Exception {
        FlowFile.named("spelled-apart")
                .step("extract", "extract", "database", "source", "query", "SELECT * FROM t_src WHERE c = DATE '${mydate}'",
                        "target", "spelled/${mydate}/")
                .step("load", "load", "database", "warehouse", "table", "public.t_target", "source", "spelled/${mydate}/",
                        "replaceWhere", "c = '${mydate|yyyy-MM-dd}'::date")
                .writeTo(flows);
        assertThat(pipeline.cli("run", "spelled-apart", "-d", "20240320", "-p", "ferry.steps=extract").exitCode()).isZero();
        assertThat(pipeline.cli("run", "rds-to-adb", "-d", "20240320", "--force", "-p", "ferry.steps=extract").exitCode()).isZero();
        assertThat(loadedTogether("rds-to-adb", "spelled-apart", List.of(BatchStatus.COMPLETED, BatchStatus.COMPLETED))).isEqualTo(200);
    }

    /**
     * Runs the loads of two flows for 20 March side by side: the first is held in its COPY until the second has started
     * (and, for one flow rerun twice, has taken the date's claim over); returns the date's rows after.
     */
    private static long loadedTogether(String first, String second, List<BatchStatus> ends) throws Exception {
        try (StandaloneRuntime runtime = pipeline.runtime(); Pipeline.LoadHold hold = pipeline.holdLoadsUntilReleased()) {
            // Two deliberate reruns that both get past the claim (JBeret's API, ferry.forced=true), as a forced run
            // and a forced backfill can when each has passed its first step before the other claims.
            List<Long> ids = new ArrayList<>();
            for (String flow : List.of(first, second)) {
                Properties parameters = new Properties();
                parameters.putAll(Map.of("mydate", "20240320", "ferry.steps", "load", "ferry.forced", "true"));
                ids.add(runtime.start(flow, parameters));
                if (ids.size() == 1) {
                    pipeline.awaitLoadInCopy();
                }
            }
            long newer = ids.get(1);
            Await.until("the second run has begun its load", Duration.ofSeconds(60), () -> Postgres.count(pipeline.repository,
                    "SELECT count(*) FROM step_execution WHERE jobexecutionid = " + newer + " AND stepname = 'load'") == 1
                    && (!first.equals(second) || Postgres.count(pipeline.repository, "SELECT count(*) FROM ferry_claim WHERE flow = '"
                    + second + "' AND mydate = '20240320' AND execution_id = " + newer) == 1));
            hold.release();
            List<BatchStatus> ended = new ArrayList<>();
            for (long id : ids) {
                ended.add(runtime.await(id).getBatchStatus());
            }
            assertThat(ended).containsExactlyElementsOf(ends);
        }
        return pipeline.targetRows("2024-03-20");
    }

    private static void copyFolder(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
