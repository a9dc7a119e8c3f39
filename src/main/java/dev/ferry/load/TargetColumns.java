package dev.ferry.load;

import dev.ferry.partition.CsvFormat;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.sql.Connection;
import java.sql.PreparedStatement;
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
 * @param kinds how {@link BinaryRows} encodes each, empty where it does not
 */
record TargetColumns(List<String> names, List<String> types, List<Optional<BinaryRows.Kind>> kinds) {

    TargetColumns {
        names = List.copyOf(names);
        types = List.copyOf(types);
        kinds = List.copyOf(kinds);
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
                List<Optional<BinaryRows.Kind>> kinds = new ArrayList<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    String type = baseName(meta.getColumnTypeName(i));
                    types.add(type);
                    Optional<BinaryRows.Kind> kind = BinaryRows.Kind.of(type);
                    kinds.add(kind.isEmpty() && isEnum(connection, type) ? Optional.of(BinaryRows.Kind.ENUM) : kind);
                }
                return Optional.of(new TargetColumns(columns, types, kinds));
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

    /** Whether {@code type}, as pgjdbc names it (schema-qualified when it is not on the search path), is an enum. */
    private static boolean isEnum(Connection connection, String type) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT typtype = 'e' FROM pg_type WHERE oid = to_regtype(?)")) {
            statement.setString(1, type);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() && rows.getBoolean(1);
            }
        }
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
            if (kinds.get(i).isEmpty()) {
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
        List<BinaryRows.Kind> encoded = kinds.stream().map(Optional::orElseThrow).toList();
        return new Encoding(Optional.of(new BinaryRows(names, encoded, format.delimiter().charAt(0), format.header())), null);
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
