package dev.ferry.load;

import dev.ferry.partition.CsvFormat;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The columns a load's {@code COPY} fills and their types, read before the load's transaction begins: they
 * decide whether the rows can go to the server in binary ({@link BinaryRows}).
 *
 * @param names columns in file order
 * @param types their type names in PostgreSQL's catalog ({@code int4}, {@code timestamptz}, a domain's base type)
 */
record TargetColumns(List<String> names, List<String> types) {

    TargetColumns {
        names = List.copyOf(names);
        types = List.copyOf(types);
    }

    /**
     * Reads the columns of {@code request}'s COPY: those it names, else every column of the table that is not
     * generated. Empty when they cannot be read (no such table: the load then says so in its own words), or
     * when {@code connection} is inside a transaction, which a failing lookup would abort.
     */
    static Optional<TargetColumns> read(Connection connection, Loader.Request request) {
        try {
            if (!connection.getAutoCommit()) {
                return Optional.empty();
            }
            List<String> columns = request.columns().isEmpty() ? allColumns(connection, request.table()) : request.columns();
            if (columns.isEmpty()) {
                return Optional.empty();
            }
            // The server's own answer, as COPY will see these columns: a domain column shows its base type.
            try (Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT " + String.join(", ", columns) + " FROM " + request.table() + " LIMIT 0")) {
                ResultSetMetaData meta = rows.getMetaData();
                List<String> types = new ArrayList<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    types.add(baseName(meta.getColumnTypeName(i)));
                }
                return Optional.of(new TargetColumns(columns, types));
            }
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    /** The columns a COPY without a column list fills: all but dropped and (PostgreSQL 12 on) generated ones. */
    private static List<String> allColumns(Connection connection, String table) throws SQLException {
        boolean generated = connection.getMetaData().getDatabaseMajorVersion() >= 12;
        String sql = "SELECT quote_ident(attname) FROM pg_attribute WHERE attrelid = '" + table.replace("'", "''") + "'::regclass"
                + " AND attnum > 0 AND NOT attisdropped" + (generated ? " AND attgenerated = ''" : "") + " ORDER BY attnum";
        List<String> columns = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                columns.add(rows.getString(1));
            }
        }
        return columns;
    }

    /** pgjdbc names an integer column with a sequence default {@code serial}; COPY sees its integer type. */
    private static String baseName(String type) {
        return switch (type) {
            case "smallserial" -> "int2";
            case "serial" -> "int4";
            case "bigserial" -> "int8";
            default -> type;
        };
    }

    /**
     * The encoder of these columns for files of {@code format}, or why the files go to the server as CSV:
     * a column of a type Ferry does not encode, files not in UTF-8, or a delimiter that is not ASCII.
     */
    Encoding encoding(CsvFormat format) {
        for (int i = 0; i < names.size(); i++) {
            if (BinaryRows.Kind.of(types.get(i)).isEmpty()) {
                return new Encoding(Optional.empty(), "column " + names.get(i) + " is of type " + types.get(i)
                        + ", which Ferry does not encode in binary");
            }
        }
        if (!isUtf8(format.encoding())) {
            return new Encoding(Optional.empty(), "the files are in " + format.encoding() + ", not UTF8");
        }
        if (format.delimiter().charAt(0) >= 0x80) {
            return new Encoding(Optional.empty(), "the delimiter " + format.delimiter() + " is not ASCII");
        }
        List<BinaryRows.Kind> kinds = types.stream().map(type -> BinaryRows.Kind.of(type).orElseThrow()).toList();
        return new Encoding(Optional.of(new BinaryRows(names, kinds, format.delimiter().charAt(0), format.header())), null);
    }

    /** @param rows the encoder, or empty with {@code why} the rows go as CSV */
    record Encoding(Optional<BinaryRows> rows, String why) {
    }

    private static boolean isUtf8(String encoding) {
        try {
            return Charset.forName(encoding.equalsIgnoreCase("UTF8") ? "UTF-8" : encoding).equals(StandardCharsets.UTF_8);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            return false;
        }
    }
}
