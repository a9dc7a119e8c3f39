package dev.ferry.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.testing.PerClassDatabases;
import dev.ferry.testing.Postgres;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postgresql.PGConnection;

/**
 * What Ferry encodes in binary is what PostgreSQL's CSV COPY reads from the same text, value for value;
 * what it cannot encode exactly it refuses, so that the file goes as CSV.
 */
@ExtendWith(PerClassDatabases.class)
class BinaryRowsTest {

    static Connection connection;

    @BeforeAll
    static void connect(Postgres postgres) throws Exception {
        connection = Postgres.connect(postgres.createDatabase("binary_rows"));
    }

    @AfterAll
    static void close() throws Exception {
        connection.close();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = ';', quoteCharacter = '`', ignoreLeadingAndTrailingWhitespace = false, value = {
        "timestamptz;2024-01-01 00:00:00+05:30",
        "timestamptz;1900-01-01 00:00:00+08:05:43",
        "timestamptz;2024-06-30 23:59:59.5-03:30",
        "timestamptz;0001-01-01 00:00:00+00 BC",
        "timestamptz;2024-01-01 00:00:00.000123+00",
        "timestamp(3);2024-01-01 00:00:00.123456",
        "timestamp;10000-01-01 00:00:00",
        "date;2024-02-29",
        "date;4714-11-24 BC",
        "date;5874897-12-31",
        "timestamp;4714-11-24 00:00:00 BC",
        "timestamp;294276-12-31 23:59:59.999999",
        "timestamptz;4714-11-24 00:00:00+00 BC",
        "timestamptz;4714-11-24 01:00:00+01 BC",
        "timestamptz;294276-12-31 23:59:59.999999+00",
        "timestamptz;294277-01-01 00:59:59+01",
        "date;0001-12-31 BC",
        "date;12345-06-07",
        "numeric;0.0000",
        "numeric;-0.0001",
        "numeric;10000",
        "numeric;9999.9999",
        "numeric;00012.50",
        "numeric;0.00000000000000000000000000000000000001",
        "numeric;100000000000000000000000000000000000000000",
        "numeric(5,2);1.005",
        "numeric(5,2);-1.004",
        "int4;007",
        "int4;-0",
        "int8;-9223372036854775808",
        "int2;-32768",
        "float8;1e+308",
        "float8;-1.5e-07",
        "float8;0.1",
        "float8;4.9e-324",
        "bytea;\\x",
        "bytea;\\xDEADbeef",
        "uuid;A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",
        "char(3);ab",
        "char(3);`abc  `",
        "varchar(3);`ab  `",
        "jsonb;`\"{\"\"b\"\": 1, \"\"a\"\": [2, 3]}\"`",
        "json;`\" {\"\"b\"\":1,   \"\"b\"\":2} \"`",
        "text;`\"\"`",
        "text;``",
        "int4;``",
        "text;`\" a \"\"quoted\"\" value \"`",
    })
    void aValueInPostgresOutputFormLoadsAsCsvCopyReadsIt(String type, String csv) throws Exception {
        assertThat(viaBinary(type, csv)).isEqualTo(viaCsv(type, csv));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = ';', quoteCharacter = '`', ignoreLeadingAndTrailingWhitespace = false, value = {
        "bool;yes",
        "bool;true",
        "int4;` 42`",
        "int4;2147483648",
        "int8;9223372036854775808",
        "numeric;1e5",
        "numeric;.5",
        "numeric;5.",
        "float8;1E5",
        "float8;0.100000000000000005551115123125783",
        "bytea;\\001",
        "uuid;{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}",
        "date;2024-02-30",
        "date;11754898-01-01",
        "date;5874898-01-01",
        "date;4714-11-23 BC",
        "date;999999999-12-31",
        "timestamp;4714-11-23 23:59:59.999999 BC",
        "timestamp;294277-01-01 00:00:00",
        "timestamp;11754898-01-01 00:00:00",
        "timestamp;999999999-12-31 23:59:59",
        "timestamptz;4714-11-24 00:00:00+01 BC",
        "timestamptz;294276-12-31 23:59:59-01",
        "timestamptz;294277-01-01 00:00:00+00",
        "date;03/04/2024",
        "timestamptz;2024-01-01 00:00:00",
        "timestamptz;2024-01-01T00:00:00Z",
        "timestamp;2024-01-01 24:00:00",
        "timestamp;2024-01-01 00:00:00.1234567",
    })
    void aValueInAnyOtherFormIsLeftToCsvCopy(String type, String csv) throws Exception {
        freshTable("refused", type);
        BinaryRows rows = new BinaryRows(List.of("v"), List.of(kind(type)), '|', false);

        assertThatThrownBy(() -> rows.copy(bytes(csv), connection.unwrap(PGConnection.class).getCopyAPI()
                .copyIn("COPY refused FROM STDIN (FORMAT binary)")))
                .isInstanceOf(BinaryRows.NotEncodable.class)
                .hasMessageContaining("of column v at line 1 is not in the form Ferry encodes");
        assertThat(text("SELECT count(*) FROM refused")).isEqualTo("0");
    }

    private static String viaCsv(String type, String csv) throws Exception {
        freshTable("by_csv", type);
        connection.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY by_csv FROM STDIN (FORMAT csv, DELIMITER '|')", bytes(csv));
        return text("SELECT coalesce(v::text, 'NULL') || ' (' || count(*) OVER () || ' row)' FROM by_csv");
    }

    private static String viaBinary(String type, String csv) throws Exception {
        freshTable("by_binary", type);
        long rows = new BinaryRows(List.of("v"), List.of(kind(type)), '|', false).copy(bytes(csv),
                connection.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY by_binary FROM STDIN (FORMAT binary)"));
        assertThat(rows).isEqualTo(1);
        return text("SELECT coalesce(v::text, 'NULL') || ' (' || count(*) OVER () || ' row)' FROM by_binary");
    }

    /** A table of one column of {@code type}, empty. */
    private static void freshTable(String name, String type) throws Exception {
        try (Statement s = connection.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + name + "; CREATE TABLE " + name + " (v " + type + ")");
        }
    }

    private static ByteArrayInputStream bytes(String csvLine) {
        return new ByteArrayInputStream((csvLine + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The catalog name of a column type as written in SQL. */
    private static BinaryRows.Kind kind(String type) {
        String name = type.replaceAll("\\(.*", "");
        return BinaryRows.Kind.of(switch (name) {
            case "varchar", "char" -> "bpchar";
            default -> name;
        }).orElseThrow();
    }

    private static String text(String query) throws Exception {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(query)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }
}
