package dev.ferry.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.FlowFile;
import dev.ferry.testing.LogCapture;
import dev.ferry.testing.PerClassDatabases;
import dev.ferry.testing.Pipeline;
import dev.ferry.testing.Postgres;
import jakarta.batch.runtime.BatchStatus;
import jakarta.batch.runtime.JobExecution;
import jakarta.batch.runtime.StepExecution;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A load sends the rows to COPY in binary where Ferry can encode every column, and what lands is exactly
 * what a CSV COPY of the same files gives: the same values, and for a row the server refuses, the same
 * error with its line.
 */
@ExtendWith(PerClassDatabases.class)
class BinaryCopyTest {

    static Pipeline pipeline;

    /** Each column as text, so that json (which has no equality) compares too. */
    static final String AS_TEXT = "id, b, s, i, big, d, n, n2, t, v, c, bin, dt, ts, tstz, u, j::text, jb";

    @BeforeAll
    static void createTables(Pipeline created) {
        pipeline = created;
        // The warehouse is the source database here, so that EXCEPT can compare the two tables directly.
        pipeline.config.database("warehouse", pipeline.source);
        Postgres.execute(pipeline.source, """
                CREATE TABLE typed (id int, b boolean, s smallint, i integer, big bigint, d double precision, n numeric,
                  n2 numeric(12,2), t text, v varchar(20), c char(3), bin bytea, dt date, ts timestamp, tstz timestamptz,
                  u uuid, j json, jb jsonb)""", """
                INSERT INTO typed VALUES
                  (1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
                  (2, false, 0, 0, 0, 0, 0, 0, '', '', '', '\\x', '2000-01-01', '2000-01-01', '2000-01-01 00:00+00',
                   '00000000-0000-0000-0000-000000000000', '""', '""'),
                  (3, true, -32768, -2147483648, -9223372036854775808, -1.7976931348623157e308, -0.000000000000000000001,
                   -9999999999.99, 'a|b "q" ""x""', '|', '"', '\\x00ff7c220d0a', '4713-01-01 BC', '4713-11-24 00:00:00 BC',
                   '0044-03-15 12:00:00.5+00 BC', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', '{"a": [1, 2], "b": "x|y\\n"}',
                   '{"k": "v;|\\"q\\""}'),
                  (4, true, 32767, 2147483647, 9223372036854775807, 5e-324, 123456789012345678901234567890.123456789012345,
                   9999999999.99, E'line1\\r\\nline2\\nline3\\rend', E'\\r\\n', 'ab ', '\\x0a', '5874897-12-31', '294276-12-31 23:59:59.999999',
                   '294276-12-31 23:59:59.999999+00', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '[]', '{}'),
                  (5, false, 1, 1, 1, 'NaN', 'NaN', 1.5, '中文字符，逗号、分隔|竖线', '日本語 한국어', '中文', NULL, 'infinity',
                   'infinity', 'infinity', NULL, '{"名": "值"}', '{"emoji": "🚀"}'),
                  (6, true, -1, -1, -1, 'Infinity', 'Infinity', -0.5, E'C:\\\\path\\\\new \\\\N and \\\\.', E'\\\\N', '\\.', NULL,
                   '-infinity', '-infinity', '-infinity', NULL, 'null', 'null'),
                  (7, false, 2, 2, 2, '-Infinity', '-Infinity', 0.01, '\\N', ',', NULL, NULL, '2024-02-29', '2024-02-29 12:00:00',
                   '2024-02-29 12:00:00.000001+08', NULL, '1', '1.50'),
                  (8, true, 3, 3, 1234567890123456789, -0.0, 10000, 100, 'ends with delimiter|', '  spaces  ', ' ', NULL,
                   '1999-12-31', '1999-12-31 23:59:59.999999', '1999-12-31 23:59:59.999999-03:30', NULL, '"\\\\N"', '"\\\\"')
                """, """
                INSERT INTO typed (id, n, n2, d, big, bin, t, ts, tstz, dt)
                SELECT 100 + k,
                  round((random() * 10 ^ (k % 30 - 10))::numeric, k % 17) * CASE WHEN k % 2 = 0 THEN -1 ELSE 1 END,
                  round((random() * 10000000000)::numeric, 2), random() * 10 ^ (k % 40 - 20), (random() * 9e18)::bigint,
                  decode(md5(k::text), 'hex'), repeat(md5(k::text), k % 7),
                  TIMESTAMP '1900-01-01' + random() * INTERVAL '200 years', TIMESTAMPTZ '1900-01-01 UTC' + random() * INTERVAL '200 years',
                  DATE '1900-01-01' + (random() * 73000)::int
                FROM generate_series(1, 20000) k
                """);
        Postgres.execute(pipeline.source, "CREATE TABLE typed_copy (LIKE typed)");
    }

    @Test
    void everyTypeFerryEncodesLoadsInBinaryAndEqualsTheSource() {
        try (LogCapture log = LogCapture.of("dev.ferry.load")) {
            assertThat(run(flow("typed", "SELECT * FROM typed", "typed_copy", "maxFileBytes", "262144")).getBatchStatus())
                    .isEqualTo(BatchStatus.COMPLETED);
            assertThat(log.messages()).anyMatch(m -> m.contains("typed_copy (mode truncate): deleted 0 row(s), loaded 20008 in binary"))
                    .noneMatch(m -> m.contains("as CSV"));
        }
        assertThat(Postgres.count(pipeline.source, "SELECT count(*) FROM typed_copy")).isEqualTo(20_008);
        assertThat(differences("typed", "typed_copy", AS_TEXT)).isZero();
    }

    @Test
    void withCopyFormatCsvTheServerParsesTheFilesAndTheRowsAreTheSame() {
        Postgres.execute(pipeline.source, "CREATE TABLE typed_csv (LIKE typed)");
        try (LogCapture log = LogCapture.of("dev.ferry.load")) {
            assertThat(run(flow("typed-csv", "SELECT * FROM typed", "typed_csv", "copyFormat", "csv")).getBatchStatus())
                    .isEqualTo(BatchStatus.COMPLETED);
            assertThat(log.messages()).anyMatch(m -> m.contains("typed_csv (mode truncate): deleted 0 row(s), loaded 20008 as CSV (copyFormat csv)"));
        }
        assertThat(differences("typed", "typed_csv", AS_TEXT)).isZero();
    }

    @Test
    void aColumnOfATypeFerryDoesNotEncodeMakesTheLoadCsvAndSaysWhich() {
        Postgres.execute(pipeline.source, "CREATE TABLE spans (id int, length interval)",
                "INSERT INTO spans SELECT i, i * INTERVAL '1 minute' FROM generate_series(1, 100) i",
                "CREATE TABLE spans_copy (LIKE spans)");
        try (LogCapture log = LogCapture.of("dev.ferry.load")) {
            assertThat(run(flow("spans", "SELECT * FROM spans", "spans_copy")).getBatchStatus()).isEqualTo(BatchStatus.COMPLETED);
            assertThat(log.messages()).anyMatch(m -> m.contains("loaded 100 as CSV (column length is of type interval,"
                    + " which Ferry does not encode in binary)"));
        }
        assertThat(differences("spans", "spans_copy", "*")).isZero();
    }

    @Test
    void anEnumColumnLoadsInBinaryAndALabelItDoesNotHaveFailsAsCsvCopyWouldSayIt() {
        // The type is in a schema off the search path, as pgjdbc then names it schema-qualified.
        Postgres.execute(pipeline.source, "CREATE SCHEMA kinds", "CREATE TYPE kinds.mood AS ENUM ('sad', 'ok', 'happy')",
                "CREATE TABLE feelings (id int, mood text)",
                "INSERT INTO feelings SELECT i, (ARRAY['sad', 'ok', 'happy', NULL])[1 + i % 4] FROM generate_series(1, 1000) i",
                "CREATE TABLE feelings_copy (id int, mood kinds.mood)");
        try (LogCapture log = LogCapture.of("dev.ferry.load")) {
            assertThat(run(flow("feelings", "SELECT * FROM feelings", "feelings_copy")).getBatchStatus()).isEqualTo(BatchStatus.COMPLETED);
            assertThat(log.messages()).anyMatch(m -> m.contains("loaded 1000 in binary"));
        }
        assertThat(differences("feelings", "(SELECT id, mood::text FROM feelings_copy) c", "*")).isZero();

        Postgres.execute(pipeline.source, "UPDATE feelings SET mood = 'meh' WHERE id = 700");
        JobExecution execution = run(flow("feelings-meh", "SELECT * FROM feelings ORDER BY id", "feelings_copy"));

        assertThat(execution.getBatchStatus()).isEqualTo(BatchStatus.FAILED);
        List<StepExecution> steps = pipeline.inspect(r -> r.operator().getStepExecutions(execution.getExecutionId()));
        assertThat(steps.get(1).getExitStatus()).contains("invalid input value for enum kinds.mood: \"meh\"").contains("line 700");
        assertThat(Postgres.count(pipeline.source, "SELECT count(*) FROM feelings_copy")).isEqualTo(1000);
    }

    @Test
    void filesInAnotherEncodingThanUtf8LoadAsCsv() {
        Postgres.execute(pipeline.source, "CREATE TABLE regions (id int, name text)",
                "INSERT INTO regions VALUES (1, '华东'), (2, '华北'), (3, NULL), (4, '')", "CREATE TABLE regions_copy (LIKE regions)");
        try (LogCapture log = LogCapture.of("dev.ferry.load")) {
            String flow = FlowFile.named("regions")
                    .step("extract", "extract", "database", "source", "query", "SELECT * FROM regions", "target", "regions/${mydate}/",
                            "encoding", "GBK", "delimiter", ",")
                    .step("load", "load", "database", "warehouse", "table", "regions_copy", "source", "regions/${mydate}/",
                            "mode", "truncate")
                    .writeTo(pipeline.dir()).toString();
            assertThat(run(flow).getBatchStatus()).isEqualTo(BatchStatus.COMPLETED);
            assertThat(log.messages()).anyMatch(m -> m.contains("loaded 4 as CSV (the files are in GBK, not UTF8)"));
        }
        assertThat(differences("regions", "regions_copy", "*")).isZero();
    }

    @Test
    void aValueNotInTheFormPostgresWritesLoadsItsFileAndTheRestAsCsvKeepingTheFilesBefore() {
        // Text in the source, boolean in the target: 't' and 'f' encode, 'yes' only PostgreSQL's parser reads.
        Postgres.execute(pipeline.source, "CREATE TABLE answers (id int, answer text, pad text)",
                "INSERT INTO answers SELECT i, CASE WHEN i = 3500 THEN 'yes' WHEN i % 2 = 0 THEN 't' ELSE 'f' END, repeat('x', 50)"
                        + " FROM generate_series(1, 5000) i",
                "CREATE TABLE answers_strict (id int, answer boolean, pad text)");
        try (LogCapture log = LogCapture.of("dev.ferry.load")) {
            assertThat(run(flow("answers", "SELECT * FROM answers ORDER BY id", "answers_strict", "maxFileBytes", "65536"))
                    .getBatchStatus()).isEqualTo(BatchStatus.COMPLETED);
            assertThat(log.messages()).anyMatch(m -> m.matches(".*answers_strict \\(mode truncate\\): deleted 0 row\\(s\\), loaded 5000 in binary, then from part-0000[1-9]\\.csv on as CSV \\(the bool value 'yes'.*"))
                    .anyMatch(m -> m.matches(".*part-0000[1-9]\\.csv: loading it and the files after it as CSV: the bool value 'yes' of"
                            + " column answer at line \\d+ is not in the form Ferry encodes"));
        }
        assertThat(Postgres.count(pipeline.source, "SELECT count(*) FROM answers_strict")).isEqualTo(5000);
        assertThat(Postgres.count(pipeline.source, "SELECT count(*) FROM answers_strict WHERE answer")).isEqualTo(2500);
        assertThat(differences("(SELECT id, answer::boolean, pad FROM answers) a", "answers_strict", "*")).isZero();
    }

    @Test
    void aRowTheServerRefusesFailsWithTheLineThatCsvCopyNamesAndLeavesTheTargetAsItWas() {
        Postgres.execute(pipeline.source, "CREATE TABLE names (id int, name text)",
                "INSERT INTO names VALUES (1, 'ann'), (2, E'two\\nlines'), (3, 'bo'), (4, 'far too long'), (5, 'cy')",
                "CREATE TABLE short_names (id int, name varchar(9))", "INSERT INTO short_names VALUES (0, 'kept')");

        JobExecution execution = run(flow("names", "SELECT * FROM names ORDER BY id", "short_names"));

        assertThat(execution.getBatchStatus()).isEqualTo(BatchStatus.FAILED);
        List<StepExecution> steps = pipeline.inspect(r -> r.operator().getStepExecutions(execution.getExecutionId()));
        // Line 5: the second row's value spans two lines, as a CSV COPY counts them.
        assertThat(steps.get(1).getExitStatus()).contains("value too long for type character varying(9)").contains("line 5");
        assertThat(Postgres.count(pipeline.source, "SELECT count(*) FROM short_names")).isEqualTo(1);
    }

    private static JobExecution run(String flow) {
        return pipeline.run(flow, "20240101");
    }

    /** A flow of an extract of {@code query} and a truncating load into {@code table}, with the load's extra properties. */
    private static String flow(String name, String query, String table, String... loadProperties) {
        List<String> extract = new java.util.ArrayList<>(List.of("database", "source", "query", query, "target", name + "/${mydate}/"));
        List<String> load = new java.util.ArrayList<>(List.of("database", "warehouse", "table", table, "source", name + "/${mydate}/",
                "mode", "truncate"));
        for (int i = 0; i < loadProperties.length; i += 2) {
            (loadProperties[i].equals("maxFileBytes") ? extract : load).addAll(List.of(loadProperties[i], loadProperties[i + 1]));
        }
        return FlowFile.named(name).step("extract", "extract", extract.toArray(String[]::new))
                .step("load", "load", load.toArray(String[]::new)).writeTo(pipeline.dir()).toString();
    }

    private static long differences(String a, String b, String columns) {
        return Postgres.count(pipeline.source, """
                SELECT count(*) FROM ((SELECT %1$s FROM %2$s EXCEPT ALL SELECT %1$s FROM %3$s)
                  UNION ALL (SELECT %1$s FROM %3$s EXCEPT ALL SELECT %1$s FROM %2$s)) d""".formatted(columns, a, b));
    }
}
