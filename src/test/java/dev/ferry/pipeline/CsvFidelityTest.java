package dev.ferry.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.PerClassDatabases;
import dev.ferry.testing.Pipeline;
import dev.ferry.testing.Postgres;
import dev.ferry.testing.TestFlows;
import jakarta.batch.runtime.BatchStatus;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every value survives the trip source → CSV in the store → warehouse exactly, NULL and '' kept apart. */
@ExtendWith(PerClassDatabases.class)
class CsvFidelityTest {

    static Pipeline pipeline;

    /** Each column as text, so that json (which has no equality) and numeric scale compare exactly. */
    static final String AS_TEXT = "id, t, v, n::text, d::text, r::text, big, ts::text, tsl::text, dt::text, b, j::text, "
            + "jb::text, encode(bin, 'hex'), arr::text, u::text, iv::text";

    @BeforeAll
    static void createTables(Pipeline created) {
        pipeline = created;
        // The warehouse is the source database here, so that EXCEPT can compare the two tables directly.
        pipeline.config.database("warehouse", pipeline.source);
        createFidelityTable(pipeline.source);
        Postgres.execute(pipeline.source, "CREATE TABLE fidelity_copy (LIKE fidelity)");
    }

    /** {@code fidelity}: eleven rows of the values CSV gets wrong — NULL and empty, delimiters, quotes, line breaks, \\N, every type. */
    static void createFidelityTable(String url) {
        Postgres.execute(url, """
                CREATE TABLE fidelity (id int, t text, v varchar(50), n numeric(38,10), d double precision, r real,
                  big bigint, ts timestamptz, tsl timestamp, dt date, b boolean, j json, jb jsonb, bin bytea,
                  arr int[], u uuid, iv interval)""", """
                INSERT INTO fidelity VALUES
                  (1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
                  (2, '', '', 0, 0, 0, 0, 'epoch', 'epoch', '1970-01-01', false, '""', '""', '\\x', '{}',
                   '00000000-0000-0000-0000-000000000000', '0'),
                  (3, 'a|b|c', '|', 12345678901234567890.0123456789, 1.7976931348623157e308, 3.4028235e38,
                   9223372036854775807, '2024-01-01 23:59:59.999999+08', '1999-12-31 23:59:59.123456', '0001-01-01',
                   true, '{"a": [1, 2, {"b": "x|y\\n"}],  "c": null}', '{"k": "v;|\\"q\\""}',
                   '\\x00010203fffe0d0a7c22', '{1,NULL,3}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '1 year 2 mons 3 days 04:05:06.789'),
                  (4, 'say "hi", then ""leave""', '"', -0.0000000001, 'NaN', '-Infinity', -9223372036854775808,
                   'infinity', '-infinity', 'infinity', true, '[]', '{}', NULL, '{}', NULL, '-1 day'),
                  (5, E'line1\\r\\nline2\\nline3\\rend', E'\\r\\n', 1, 5e-324, 1.17549435e-38, 1, now(), now(), now(), false,
                   'null', 'null', '\\x0a', NULL, NULL, NULL),
                  (6, E'C:\\\\path\\\\new \\\\N and \\\\.', E'\\\\N', 2, 'Infinity', 'NaN', 2, NULL, NULL, NULL, NULL,
                   '"\\\\N"', '"\\\\"', NULL, NULL, NULL, NULL),
                  (7, '中文字符，逗号、分隔|竖线', '日本語 한국어', 3, 0.1, 0.1, 3, '2024-02-29 12:00:00+00', NULL, '2024-02-29',
                   true, '{"名": "值"}', '{"emoji": "🚀"}', NULL, NULL, NULL, NULL),
                  (8, '🚀😀👨‍👩‍👧 emoji', '  spaces  ', 4, -0.0, -0.0, 4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
                  (9, '\\N', ',', 5, 1e-10, 1e10, 5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
                  (10, 'ends with delimiter|', '"', 6, 6, 6, 6, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
                """, """
                INSERT INTO fidelity (id, bin)
                SELECT 11, decode(string_agg(lpad(to_hex(i), 2, '0'), '' ORDER BY i), 'hex') FROM generate_series(0, 255) i
                """);
    }

    @Test
    void everyValueComesBackExactlyAndNullStaysDistinctFromEmpty() {
        assertThat(pipeline.run(TestFlows.path("fidelity"), "20240101").getBatchStatus()).isEqualTo(BatchStatus.COMPLETED);

        assertThat(Postgres.count(pipeline.source, "SELECT count(*) FROM fidelity_copy")).isEqualTo(11);
        assertThat(Postgres.count(pipeline.source, """
                SELECT count(*) FROM (
                  (SELECT %1$s FROM fidelity EXCEPT ALL SELECT %1$s FROM fidelity_copy)
                  UNION ALL
                  (SELECT %1$s FROM fidelity_copy EXCEPT ALL SELECT %1$s FROM fidelity)) differences
                """.formatted(AS_TEXT))).isZero();
        assertThat(Postgres.count(pipeline.source, "SELECT count(*) FROM fidelity_copy WHERE id = 1 AND t IS NULL AND v IS NULL")).isEqualTo(1);
        assertThat(Postgres.count(pipeline.source, "SELECT count(*) FROM fidelity_copy WHERE id = 2 AND t = '' AND v = ''")).isEqualTo(1);
    }
}
