package dev.ferry.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.FlowFile;
import dev.ferry.testing.PerClassDatabases;
import dev.ferry.testing.Pipeline;
import dev.ferry.testing.Postgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * method external: the warehouse reads the partition's files itself (file_fdw on PostgreSQL 15, the warehouse that
 * runs here), inside the load's transaction, with every proof a COPY load makes: files checked against the manifest,
 * rows counted per file, the target replaced whole or left as it was, and no reader left behind.
 */
@ExtendWith(PerClassDatabases.class)
class ExternalLoadTest {

    static Pipeline pipeline;

    @BeforeAll
    static void setUp(Pipeline created) throws IOException {
        pipeline = created;
        // The warehouse's server (user postgres) reads the store's folder: as an operator would, let it in.
        Files.setPosixFilePermissions(pipeline.dir(), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(pipeline.dir().resolve("store"));
        pipeline.flowsFolder();
        Postgres.execute(pipeline.source, "CREATE TABLE t_src (a int, b text, c date)",
                "INSERT INTO t_src SELECT d * 10000 + i, CASE WHEN i % 7 = 0 THEN NULL WHEN i % 5 = 0 THEN 'with | pipe, \"quote\"'"
                        + " ELSE 'v' || i END, DATE '2024-03-14' + d FROM generate_series(0, 2) d, generate_series(1, 2000) i");
        Postgres.execute(pipeline.warehouse, "CREATE TABLE t_flat (a int, b text, c date)",
                "CREATE TABLE t_days (a int, b text, c date) PARTITION BY RANGE (c)",
                "CREATE TABLE t_days_20240315 PARTITION OF t_days FOR VALUES FROM ('2024-03-15') TO ('2024-03-16')",
                "CREATE TABLE t_checked (a int CHECK (a <> 1500), b text, c date)");
    }

    static void flow(String name, String table, String... load) {
        String[] properties = new String[8 + load.length];
        System.arraycopy(new String[] {"database", "warehouse", "table", table, "source", name + "/${mydate}/", "method", "external"}, 0,
                properties, 0, 8);
        System.arraycopy(load, 0, properties, 8, load.length);
        FlowFile.named(name)
                .step("extract", "extract", "database", "source", "query", "SELECT * FROM t_src WHERE c = DATE '${mydate}'",
                        "target", name + "/${mydate}/", "maxFileBytes", "20000")
                .step("load", "load", properties)
                .writeTo(pipeline.flowsFolder());
    }

    @Test
    void theWarehouseReadsTheFilesItselfAndReplacesTheDate() {
        flow("ext", "t_flat", "replaceWhere", "c = DATE '${mydate}'");
        Postgres.execute(pipeline.warehouse, "INSERT INTO t_flat SELECT i, 'old', DATE '2024-03-14' FROM generate_series(1, 50) i");

        Pipeline.CliResult run = pipeline.cli("run", "ext", "-d", "20240314");

        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.err()).contains("deleted 50 row(s), loaded 2000 by the warehouse itself (postgresql, ");
        assertThat(md5("t_flat", "2024-03-14")).isEqualTo(Postgres.text(pipeline.source, "SELECT md5(string_agg(a || '/' || coalesce(b, '<null>')"
                + " || '/' || c, ',' ORDER BY a)) FROM t_src WHERE c = DATE '2024-03-14'"));
        assertThat(Postgres.count(pipeline.warehouse, "SELECT count(*) FROM pg_foreign_table")).as("no reader left").isZero();
    }

    @Test
    void gzipFilesAreReadThroughAProgramAndAnExchangeFillsItsStagingTableInParallelStreams() {
        FlowFile.named("ext-swap")
                .step("extract", "extract", "database", "source", "query", "SELECT * FROM t_src WHERE c = DATE '${mydate}'",
                        "target", "ext-swap/${mydate}/", "maxFileBytes", "20000", "compression", "gzip")
                .step("load", "load", "database", "warehouse", "table", "t_days", "source", "ext-swap/${mydate}/", "method", "external",
                        "mode", "exchange", "partitionValue", "${mydate|yyyy-MM-dd}", "parallel", "2")
                .writeTo(pipeline.flowsFolder());

        Pipeline.CliResult run = pipeline.cli("run", "ext-swap", "-d", "20240315");

        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.err()).contains("in 2 streams, by exchanging partition public.t_days_20240315");
        assertThat(md5("t_days", "2024-03-15")).isEqualTo(Postgres.text(pipeline.source, "SELECT md5(string_agg(a || '/' || coalesce(b, '<null>')"
                + " || '/' || c, ',' ORDER BY a)) FROM t_src WHERE c = DATE '2024-03-15'"));
        assertThat(Postgres.count(pipeline.warehouse, "SELECT count(*) FROM pg_foreign_table")).isZero();
    }

    @Test
    void aRowTheWarehouseRefusesFailsTheLoadWithItsMessageAndTheTargetIsUnchanged() {
        flow("ext-bad", "t_checked", "mode", "truncate");
        Postgres.execute(pipeline.warehouse, "INSERT INTO t_checked VALUES (1, 'before', DATE '2024-03-14')");

        Pipeline.CliResult run = pipeline.cli("run", "ext-bad", "-d", "20240314");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.all()).containsPattern("the warehouse's read of \\S+/ext-bad/20240314/part-0000\\d.csv failed")
                .contains("violates check constraint");
        assertThat(Postgres.count(pipeline.warehouse, "SELECT count(*) FROM t_checked")).as("the truncate rolled back").isEqualTo(1);
        assertThat(Postgres.count(pipeline.warehouse, "SELECT count(*) FROM pg_foreign_table")).isZero();
    }

    @Test
    void aFileChangedAfterItsManifestWasPublishedIsRefusedBeforeTheWarehouseReadsIt() throws IOException {
        flow("ext-changed", "t_flat", "replaceWhere", "c = DATE '${mydate}'");
        assertThat(pipeline.cli("run", "ext-changed", "-d", "20240316").exitCode()).isZero();
        Path file = pipeline.dir().resolve("store/ext-changed/20240316/part-00000.csv");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 2] = (byte) (bytes[bytes.length - 2] == '1' ? '2' : '1'); // same size, one digit changed
        Files.write(file, bytes);
        long before = Postgres.count(pipeline.warehouse, "SELECT count(*) FROM t_flat WHERE c = DATE '2024-03-16'");

        Pipeline.CliResult reload = pipeline.cli("run", "ext-changed", "-d", "20240316", "--force", "-p", "ferry.steps=load");

        assertThat(reload.exitCode()).isNotZero();
        assertThat(reload.all()).contains("part-00000.csv differs from its manifest");
        assertThat(Postgres.count(pipeline.warehouse, "SELECT count(*) FROM t_flat WHERE c = DATE '2024-03-16'")).isEqualTo(before);
    }

    @Test
    void tryRunShowsTheStatementsAndAUserWhoMayNotReadServerFilesIsRefusedBeforeTheRun() {
        flow("ext-try", "t_flat", "replaceWhere", "c = DATE '${mydate}'");
        Pipeline.CliResult tryRun = pipeline.cli("try-run", "ext-try", "-d", "20240314");
        assertThat(tryRun.exitCode()).as(tryRun.all()).isZero();
        assertThat(tryRun.out()).contains("method external on postgresql")
                .contains("CREATE SERVER IF NOT EXISTS ferry_files FOREIGN DATA WRAPPER file_fdw")
                .containsPattern("CREATE FOREIGN TABLE public.ferry_ext_TRYRUN_0 \\(a integer, b text, c date\\) SERVER ferry_files OPTIONS"
                        + " \\(filename '\\S+/store/ext-try/20240314/part-00000.csv', format 'csv', delimiter '\\|', header 'false', encoding 'UTF8'\\)")
                .contains("INSERT INTO t_flat (a, b, c) SELECT a, b, c FROM public.ferry_ext_TRYRUN_0");

        String role = "ferry_plain_" + UUID.randomUUID().toString().substring(0, 8);
        Postgres.execute(pipeline.warehouse, "CREATE ROLE " + role + " LOGIN");
        try {
            pipeline.config.database("plain", pipeline.warehouse).set("ferry.db.plain.user", role);
            FlowFile.named("ext-plain")
                    .step("extract", "extract", "database", "source", "query", "SELECT * FROM t_src WHERE c = DATE '${mydate}'",
                            "target", "ext-plain/${mydate}/")
                    .step("load", "load", "database", "plain", "table", "t_flat", "source", "ext-plain/${mydate}/", "method", "external",
                            "replaceWhere", "c = DATE '${mydate}'")
                    .writeTo(pipeline.flowsFolder());

            Pipeline.CliResult run = pipeline.cli("run", "ext-plain", "-d", "20240314");

            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err()).contains("user " + role + " may not read files on the server; GRANT pg_read_server_files TO " + role);
            assertThat(Files.exists(pipeline.dir().resolve("store/ext-plain/20240314"))).as("refused before the extract ran").isFalse();
        } finally {
            pipeline.config.remove("ferry.db.plain.url").remove("ferry.db.plain.user");
            Postgres.execute(pipeline.warehouse, "DROP ROLE " + role);
        }
    }

    private static String md5(String table, String date) {
        return Postgres.text(pipeline.warehouse, "SELECT md5(string_agg(a || '/' || coalesce(b, '<null>') || '/' || c, ',' ORDER BY a)) FROM "
                + table + " WHERE c = DATE '" + date + "'");
    }
}
