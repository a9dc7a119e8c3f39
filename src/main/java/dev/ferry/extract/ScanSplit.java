package dev.ferry.extract;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * How an extract's query is split into parallel streams that together give exactly its rows: the query
 * must be a scan of one table (no join, aggregate, DISTINCT, LIMIT, set operation or sub-plan), so that
 * each stream can read one range of the table's pages (ctid ranges) and the ranges add up to the whole. All
 * streams read one snapshot: the coordinator exports it and each stream imports it before its scan.
 *
 * <p>A stream restricts the scan through a temporary view named like the table, which PostgreSQL finds
 * before the table because {@code pg_temp} comes first in the search path; each stream checks with EXPLAIN
 * that its scan really is restricted (a schema-qualified table name would bypass the view) and the extract
 * falls back to one stream when not.
 */
record ScanSplit(String schema, String table, long tableBytes, long pages) {

    /** Plan nodes that read one table and keep every row as it is. */
    private static final Set<String> SCANS = Set.of("Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan",
            "Bitmap Index Scan", "Tid Range Scan", "Tid Scan", "Gather", "Result");

    /** Why a query cannot be split, or the table it scans. */
    sealed interface Plan permits Splittable, Unsplittable {
    }

    record Splittable(ScanSplit split) implements Plan {
    }

    record Unsplittable(String reason) implements Plan {
    }

    /** Looks at the query's plan on {@code connection}: one table scanned, and nothing else? */
    static Plan of(Connection connection, String query) throws SQLException {
        JsonObject root;
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("EXPLAIN (FORMAT JSON) " + query)) {
            rs.next();
            root = Json.createReader(new StringReader(rs.getString(1))).readArray().getJsonObject(0).getJsonObject("Plan");
        }
        List<JsonObject> nodes = new ArrayList<>();
        collect(root, nodes);
        for (JsonObject node : nodes) {
            String type = node.getString("Node Type");
            if (!SCANS.contains(type)) {
                return new Unsplittable("its plan has a " + type + " (only a scan of one table can be split)");
            }
            if (node.containsKey("Subplan Name")) {
                return new Unsplittable("it has a sub-plan (" + node.getString("Subplan Name") + ")");
            }
        }
        List<JsonObject> tables = nodes.stream().filter(n -> n.containsKey("Relation Name")).toList();
        if (tables.size() != 1) {
            return new Unsplittable("it reads " + tables.size() + " tables");
        }
        String table = tables.get(0).getString("Relation Name");
        try (PreparedStatement q = connection.prepareStatement("SELECT n.nspname, c.relkind, pg_relation_size(c.oid),"
                + " pg_relation_size(c.oid) / current_setting('block_size')::bigint FROM pg_class c"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = ? AND pg_table_is_visible(c.oid)")) {
            q.setString(1, table);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    return new Unsplittable("its table " + table + " is not on the search path");
                }
                if (!"r".equals(rs.getString(2)) && !"m".equals(rs.getString(2))) {
                    return new Unsplittable(table + " is not a plain table");
                }
                return new Splittable(new ScanSplit(rs.getString(1), table, rs.getLong(3), rs.getLong(4)));
            }
        }
    }

    private static void collect(JsonObject node, List<JsonObject> nodes) {
        nodes.add(node);
        JsonValue children = node.get("Plans");
        if (children instanceof JsonArray plans) {
            plans.getValuesAs(JsonObject.class).forEach(child -> collect(child, nodes));
        }
    }

    /** The page range of stream {@code i} of {@code n}: the last range is open, so that it takes every page there is. */
    String rangeCondition(int i, int n) {
        long from = pages * i / n;
        String lower = "ctid >= '(" + from + ",0)'::tid";
        return i == n - 1 ? lower : lower + " AND ctid < '(" + pages * (i + 1) / n + ",0)'::tid";
    }

    /**
     * Prepares {@code stream} to read range {@code i} of {@code n} in the exported snapshot: a repeatable-read
     * transaction on that snapshot, restricted to the range.
     *
     * @return whether the query's scan on this connection is restricted to the range (else it must not be used)
     */
    boolean prepare(Connection stream, String snapshot, String query, int i, int n) throws SQLException {
        stream.setAutoCommit(false);
        try (Statement s = stream.createStatement()) {
            s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            s.execute("SET TRANSACTION SNAPSHOT '" + snapshot.replace("'", "''") + "'");
        }
        return restrict(stream, query, i, n);
    }

    /**
     * Restricts the table to range {@code i} of {@code n} for the rest of {@code stream}'s transaction: a
     * temporary view named like the table, dropped when the transaction ends.
     *
     * @return whether the query's scan is restricted to the range now
     */
    boolean restrict(Connection stream, String query, int i, int n) throws SQLException {
        try (Statement s = stream.createStatement()) {
            s.execute("CREATE TEMP VIEW " + quoted(table) + " AS SELECT * FROM " + quoted(schema) + "." + quoted(table)
                    + " WHERE " + rangeCondition(i, n));
            try (ResultSet plan = s.executeQuery("EXPLAIN (FORMAT JSON) " + query)) {
                plan.next();
                String json = plan.getString(1);
                return json.contains("\"TID Cond\"") || json.contains("ctid >=");
            }
        }
    }

    static Optional<String> exportSnapshot(Connection coordinator) throws SQLException {
        coordinator.setAutoCommit(false);
        try (Statement s = coordinator.createStatement()) {
            s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            try (ResultSet rs = s.executeQuery("SELECT pg_export_snapshot()")) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private static String quoted(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
