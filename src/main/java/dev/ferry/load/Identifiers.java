package dev.ferry.load;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/** Table and column names as the load puts them into SQL: plain or double-quoted identifiers, nothing else. */
final class Identifiers {

    private static final String PART = "(?:[A-Za-z_][A-Za-z0-9_$]*|\"[^\"]+\")";
    private static final Pattern TABLE = Pattern.compile(PART + "(?:\\." + PART + ")?");
    private static final Pattern COLUMN = Pattern.compile(PART);

    private Identifiers() {
    }

    static String table(String name) {
        if (name == null || !TABLE.matcher(name.strip()).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a table name; write table or schema.table");
        }
        return name.strip();
    }

    static List<String> columns(String list) {
        if (list == null || list.isBlank()) {
            return List.of();
        }
        List<String> columns = Arrays.stream(list.split(",")).map(String::strip).toList();
        for (String column : columns) {
            if (!COLUMN.matcher(column).matches()) {
                throw new IllegalArgumentException("'" + column + "' is not a column name; write a comma-separated list such as a, b, c");
            }
        }
        return columns;
    }
}
