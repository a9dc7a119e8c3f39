package dev.ferry.load;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * mode exchange on Greenplum 6 and AnalyticDB 6, whose partitions are Greenplum's own (the {@code pg_partitions} view),
 * swapped with {@code ALTER TABLE t EXCHANGE PARTITION FOR (value) WITH TABLE staging}. As on PostgreSQL the rows go into
 * a committed staging table first (one stream or several), the rows are proven against the manifest, and one short
 * transaction under lock_timeout, fenced, swaps it in; the old rows are then in the staging table, which is dropped (or
 * kept as {@code PARTITION_previous} with keepPrevious). From Greenplum 6's own reference
 * (greenplum-db/gpdb 6X, gpdb-doc/markdown/ref_guide/sql_commands/ALTER_TABLE.html.md and CREATE_TABLE.html.md):
 * <ul>
 *   <li>"EXCHANGE PARTITION { partition_name | FOR (RANK(number)) | FOR (value) } WITH TABLE table_name [ WITH | WITHOUT
 *   VALIDATION ]"; "The table must have the same number of columns, column order, column names, column types, and
 *   distribution policy as the parent table"; "The default is to validate the data against the CHECK constraint":
 *   Ferry keeps the default, so a row outside the partition fails the swap instead of hiding in it.</li>
 *   <li>"The LIKE clause specifies a table from which the new table automatically copies all column names, their data
 *   types, not-null constraints, and distribution policy ... Storage properties like append-optimized or partition
 *   structure are not copied": the staging table is {@code LIKE} the parent (its distribution) with the leaf's own
 *   storage options ({@code WITH (appendonly=true, orientation=column, ...)}) added.</li>
 * </ul>
 * Not run here: there is no Greenplum on this machine; the statements are tested as text ({@code LegacyPartitionExchangeTest}).
 */
final class LegacyPartitionExchange {

    /**
     * The leaf partition holding the value: its table, the parent's key and type, the leaf's storage options.
     *
     * @param add for createPartition, the {@code ADD PARTITION} that makes the date's partition in the swap's transaction
     *            (the leaf is then unknown until it runs, and the storage is the parent's); empty when it exists
     */
    record Target(long parentOid, String schema, String parent, String leaf, String leafName, String storage, String add) {

        Target(long parentOid, String schema, String parent, String leaf, String leafName, String storage) {
            this(parentOid, schema, parent, leaf, leafName, storage, "");
        }
    }

    private LegacyPartitionExchange() {
    }

    /** The staging table, shaped like the parent (columns, defaults, NOT NULLs, distribution) with the leaf's storage. */
    static String createStaging(String staging, Target target) {
        return "CREATE TABLE " + staging + " (LIKE " + target.parent() + " INCLUDING DEFAULTS)"
                + (target.storage().isEmpty() ? "" : " WITH (" + target.storage() + ")");
    }

    /** The swap itself: afterwards {@code staging} holds the partition's old rows. */
    static String exchange(Target target, String value, String staging) {
        return "ALTER TABLE " + target.parent() + " EXCHANGE PARTITION FOR (" + literal(value) + ") WITH TABLE " + staging + " WITH VALIDATION";
    }

    /**
     * createPartition on Greenplum 6: the date's partition, named by the value's digits (its table is then
     * {@code PARENT_1_prt_20240316}), added empty in the swap's transaction just before the exchange ({@code VALUES
     * (value)} on a LIST table, {@code START (value) INCLUSIVE END (value + 1 day) EXCLUSIVE} on a RANGE table of a
     * date or timestamp key).
     */
    static String addPartition(String parent, String strategy, String keyType, String value, String dayAfter) {
        String typed = literal(value) + "::" + keyType;
        return "ALTER TABLE " + parent + " ADD PARTITION " + PartitionExchange.quote(PartitionExchange.partitionSuffix(value)) + " "
                + ("list".equals(strategy) ? "VALUES (" + typed + ")"
                : "START (" + typed + ") INCLUSIVE END (" + literal(dayAfter) + "::" + keyType + ") EXCLUSIVE");
    }

    /**
     * What becomes of the old rows, in the swap's transaction: kept beside the partition, or nothing (the staging table
     * that holds them is dropped after the commit, keeping the swap's transaction short).
     */
    static List<String> afterExchange(Target target, String staging, boolean keepPrevious) {
        if (!keepPrevious || !target.add().isEmpty()) {
            return List.of();
        }
        String previous = PartitionExchange.quote(PartitionExchange.previousName(target.leafName()));
        return List.of("DROP TABLE IF EXISTS " + PartitionExchange.quote(target.schema()) + "." + previous,
                "ALTER TABLE " + staging + " RENAME TO " + previous);
    }

    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /**
     * The first-level partition of {@code table} that holds {@code value}, from {@code pg_partitions}.
     *
     * @throws LoadRefusedException when the table is not partitioned, or no partition holds the value, with the DDL
     */
    static Target find(Connection c, String table, String value, boolean create) throws SQLException {
        long oid;
        String schema;
        String name;
        // ?::text::regclass, not to_regclass(?): Greenplum 6's to_regclass takes a cstring only.
        try (PreparedStatement q = c.prepareStatement("SELECT c.oid, n.nspname, c.relname FROM pg_class c JOIN pg_namespace n"
                + " ON n.oid = c.relnamespace WHERE c.oid = ?::text::regclass")) {
            q.setString(1, table);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    throw new LoadRefusedException("mode exchange: there is no table " + table + "; create it partitioned by the date, e.g."
                            + " CREATE TABLE " + table + " (...) DISTRIBUTED BY (...) PARTITION BY RANGE (c) (START (date '2024-01-01')"
                            + " INCLUSIVE END (date '2025-01-01') EXCLUSIVE EVERY (INTERVAL '1 day'))");
                }
                oid = rs.getLong(1);
                schema = rs.getString(2);
                name = rs.getString(3);
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                throw new LoadRefusedException("mode exchange: there is no table " + table + "; create it partitioned by the date");
            }
            throw e;
        }
        String keyType;
        try (PreparedStatement q = c.prepareStatement("SELECT format_type(a.atttypid, a.atttypmod) FROM pg_partition_columns p"
                + " JOIN pg_attribute a ON a.attrelid = ? AND a.attname = p.columnname WHERE p.schemaname = ? AND p.tablename = ?"
                + " AND p.partitionlevel = 0 ORDER BY p.position_in_partition_key")) {
            q.setLong(1, oid);
            q.setString(2, schema);
            q.setString(3, name);
            List<String> types = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    types.add(rs.getString(1));
                }
            }
            if (types.isEmpty()) {
                throw new LoadRefusedException("mode exchange: " + table + " is not partitioned, so there is no partition to swap; make it"
                        + " partitioned by the date (CREATE TABLE ... PARTITION BY RANGE (c) (START (date '2024-01-01') INCLUSIVE END"
                        + " (date '2025-01-01') EXCLUSIVE EVERY (INTERVAL '1 day'))), or use mode replace");
            }
            if (types.size() > 1) {
                throw new LoadRefusedException("mode exchange: " + table + " is partitioned by more than one column; exchange swaps a"
                        + " partition of a table partitioned by one date column");
            }
            keyType = types.get(0);
        }
        List<String[]> partitions = new ArrayList<>();
        String strategy = null;
        try (PreparedStatement q = c.prepareStatement("SELECT partitionschemaname, partitiontablename, partitiontype, partitionlistvalues,"
                + " partitionrangestart, partitionstartinclusive, partitionrangeend, partitionendinclusive FROM pg_partitions"
                + " WHERE schemaname = ? AND tablename = ? AND partitionlevel = 0 AND NOT partitionisdefault")) {
            q.setString(1, schema);
            q.setString(2, name);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    partitions.add(new String[] {rs.getString(1), rs.getString(2), holds(rs, keyType)});
                    strategy = rs.getString(3);
                }
            }
        }
        for (String[] partition : partitions) {
            boolean holding;
            try (PreparedStatement q = c.prepareStatement("SELECT coalesce(" + partition[2] + ", false)")) {
                for (int i = 1; i <= q.getParameterMetaData().getParameterCount(); i++) {
                    q.setString(i, value);
                }
                try (ResultSet rs = q.executeQuery()) {
                    holding = rs.next() && rs.getBoolean(1);
                }
            } catch (SQLException e) {
                throw new LoadRefusedException("mode exchange: partitionValue '" + value + "' is not a value of the partition key of "
                        + table + " (" + keyType + "): " + e.getMessage());
            }
            if (holding) {
                String leaf = PartitionExchange.quote(partition[0]) + "." + PartitionExchange.quote(partition[1]);
                return new Target(oid, schema, PartitionExchange.quote(schema) + "." + PartitionExchange.quote(name), leaf, partition[1],
                        storage(c, leaf));
            }
        }
        String parent = PartitionExchange.quote(schema) + "." + PartitionExchange.quote(name);
        boolean daily = "range".equals(strategy) && keyType.matches("date|timestamp.*");
        if (create && ("list".equals(strategy) || daily)) {
            return new Target(oid, schema, parent, parent, name + " (new)", storage(c, parent),
                    addPartition(parent, strategy, keyType, value, daily ? PartitionExchange.dayAfter(c, keyType, value) : ""));
        }
        throw new LoadRefusedException("mode exchange: no partition of " + table + " holds '" + value + "'; add it first: ALTER TABLE "
                + table + " ADD PARTITION START (" + literal(value) + "::" + keyType + ") INCLUSIVE END (<the next date>) EXCLUSIVE"
                + (create ? " (createPartition adds LIST partitions and one-day RANGE partitions of a date or timestamp key; this key is "
                + keyType + ")" : ""));
    }

    /** A condition on {@code ?} (the value, cast to the key's type) that a row of this partition meets. */
    private static String holds(ResultSet partition, String keyType) throws SQLException {
        String value = "CAST(? AS " + keyType + ")";
        if ("list".equals(partition.getString(3))) {
            return value + " IN (" + partition.getString(4) + ")";
        }
        String start = partition.getString(5);
        String end = partition.getString(7);
        String from = start == null || start.isEmpty() ? "true" : value + (partition.getBoolean(6) ? " >= " : " > ") + "(" + start + ")";
        String to = end == null || end.isEmpty() ? "true" : value + (partition.getBoolean(8) ? " <= " : " < ") + "(" + end + ")";
        return "(" + from + " AND " + to + ")";
    }

    /** The leaf's storage options, as {@code WITH (...)} takes them: {@code appendonly=true, orientation=column}. */
    private static String storage(Connection c, String leaf) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT coalesce(array_to_string(reloptions, ', '), '') FROM pg_class"
                + " WHERE oid = ?::text::regclass")) {
            q.setString(1, leaf);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? rs.getString(1) : "";
            }
        }
    }

    /** Loads the partition's files into a staging table and exchanges it for the date's partition. */
    static Loader.Result exchange(Connection connection, Loader.Request request, PartitionExchange.Filler filler)
            throws SQLException, IOException, InterruptedException {
        Loader.Exchange settings = request.exchange();
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(true);
        long parent = find(connection, request.table(), settings.partitionValue(), settings.createPartition()).parentOid();
        PartitionExchange.lockDate(connection, parent, settings.partitionValue());
        try {
            // Read again under the lock: an exchange of the date that held it may have exchanged or added the partition.
            Target target = find(connection, request.table(), settings.partitionValue(), settings.createPartition());
            long execution = request.run() == null ? 0 : request.run().execution();
            String tag = PartitionExchange.tag(connection, parent);
            String staging = PartitionExchange.quote(target.schema()) + "." + PartitionExchange.stagingName(request.flow(), request.mydate(),
                    execution, tag);
            PartitionExchange.dropLeftovers(connection, target.schema(), request, tag);
            try (Statement s = connection.createStatement()) {
                s.execute(createStaging(staging, target));
            }
            PartitionExchange.Filling filled;
            try {
                Loader.Request into = new Loader.Request(staging, request.columns(), LoadMode.APPEND, null, request.partition(), request.flow(),
                        request.mydate(), request.copyFormat(), null, null, request.external());
                filled = filler.fill(connection, into);
                if (filled.rows() != filled.manifest().rows()) {
                    throw new LoadRefusedException("loaded " + filled.rows() + " rows from " + request.partition().describe() + " but its"
                            + " manifest says " + filled.manifest().rows() + "; nothing was swapped, " + request.table() + " is unchanged");
                }
            } catch (SQLException | IOException | RuntimeException | InterruptedException e) {
                PartitionExchange.dropAfterFailure(connection, staging, e);
                throw e;
            }
            int attempts = PartitionExchange.swapping(connection, request, staging, settings, s -> {
                if (!target.add().isEmpty()) {
                    s.execute(target.add());
                }
                s.execute(exchange(target, settings.partitionValue(), staging));
                for (String sql : afterExchange(target, staging, settings.keepPrevious())) {
                    s.execute(sql);
                }
            });
            if (!settings.keepPrevious() || !target.add().isEmpty()) {
                PartitionExchange.dropRetired(connection, request, staging); // it holds the old rows now
            }
            String how = filled.how() + (target.add().isEmpty() ? ", by EXCHANGE PARTITION of " + target.leaf()
                    : ", by EXCHANGE PARTITION with a partition added for it (" + target.add() + ")") + (settings.keepPrevious()
                    && target.add().isEmpty() ? " (the rows it held are"
                    + " kept as " + target.schema() + "." + PartitionExchange.previousName(target.leafName()) + ")" : "")
                    + (attempts > 1 ? " after " + attempts + " attempts at its lock" : "");
            return new Loader.Result(0, filled.rows(), filled.manifest().bytes(), filled.manifest().files().size(), how);
        } finally {
            PartitionExchange.unlockDate(connection, parent, settings.partitionValue());
            try {
                connection.setAutoCommit(autoCommit);
            } catch (SQLException ignored) {
                // the connection is gone; the failure that broke it is the one reported
            }
        }
    }
}
