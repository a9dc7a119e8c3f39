package dev.ferry.load;

import dev.ferry.partition.Manifest;
import dev.ferry.partition.ManifestFile;
import dev.ferry.step.Progress;
import dev.ferry.warehouse.PartitionSwap;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * mode exchange on PostgreSQL's declarative partitions (PostgreSQL; Greenplum 7, Cloudberry and AnalyticDB 7, whose
 * partitions are PostgreSQL's, with the staging table given the partition's distribution): a date is replaced by
 * swapping its partition. The rows go
 * into a staging table shaped like the partition, with the partition's indexes built after the data and a
 * {@code CHECK} of the partition's bound (so that the attach does not scan the table again); then one short
 * transaction, under {@code lock_timeout} and retried with back-off (a long reader delays the swap but is never
 * cancelled), detaches the old partition, gives the staging table its name and indexes' names, and attaches it.
 * Readers see the old day or the new day, never half of one, and the old rows leave as one drop, not a delete.
 *
 * <p>The staging table commits with its rows, so a crash before the swap leaves it behind, named for its flow,
 * date and execution ({@code ferry_stage_FLOW_DATE_EXECUTION}); the next exchange of that date removes it. A
 * crash in the swap rolls it back; one after it leaves the target swapped, and a rerun swaps the same rows in
 * again.
 */
public final class PartitionExchange {

    private static final Logger LOG = Logger.getLogger(PartitionExchange.class.getName());
    private static final String LOCK_NOT_AVAILABLE = "55P03";
    private static final Pattern INDEX_DEF = Pattern.compile("(?s)CREATE (UNIQUE )?INDEX (?:\\S+|\"(?:[^\"]|\"\")+\") ON (?:ONLY )?.+? USING (.*)");
    private static final int MAX_SWAP_ATTEMPTS = 8;

    /**
     * The partition that holds a value of the key, or the one that createPartition makes for it.
     *
     * @param parent     the partitioned table's oid
     * @param oid        the partition's, 0 for one to be made
     * @param qualified  schema-qualified and quoted, for SQL
     * @param bound      as PostgreSQL prints it, e.g. {@code FOR VALUES FROM ('2024-03-14') TO ('2024-03-15')}
     * @param constraint the bound as a condition on the key column, for the staging table's CHECK
     * @param indexes    the definitions of the partition's indexes (of the table's, for one to be made)
     * @param indexNames the names they have, or will have, on the partition
     */
    record Target(long parent, long oid, String schema, String name, String qualified, String bound, String constraint, List<String> indexes,
                  List<String> indexNames) {

        boolean exists() {
            return oid != 0;
        }
    }

    private PartitionExchange() {
    }

    /**
     * The partition of {@code table} that holds {@code value}, read from the catalog; with {@code create}, where none
     * does, the one-day partition (a LIST partition of the value) that the staging table will become.
     *
     * @throws LoadRefusedException when the table is not partitioned by one column, or no partition holds the value
     *                              (and none is to be made), with the DDL that would make one
     */
    static Target find(Connection c, String table, String value, boolean create) throws SQLException {
        long parent;
        String kind;
        String parentSchema;
        String parentName;
        try (PreparedStatement q = c.prepareStatement("SELECT c.oid, c.relkind, n.nspname, c.relname FROM pg_class c"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass(?)")) {
            q.setString(1, table);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    throw new LoadRefusedException("mode exchange: there is no table " + table + "; create it partitioned by the date, e.g."
                            + " CREATE TABLE " + table + " (...) PARTITION BY RANGE (c)");
                }
                parent = rs.getLong(1);
                kind = rs.getString(2);
                parentSchema = rs.getString(3);
                parentName = rs.getString(4);
            }
        }
        if (!"p".equals(kind)) {
            throw new LoadRefusedException("mode exchange: " + table + " is not partitioned, so there is no partition to swap; make it"
                    + " partitioned by the date (CREATE TABLE " + table + " (...) PARTITION BY RANGE (c), then CREATE TABLE " + table
                    + "_20240101 PARTITION OF " + table + " FOR VALUES FROM ('2024-01-01') TO ('2024-01-02')), or use mode replace");
        }
        String key;
        String keyType;
        String strategy;
        try (PreparedStatement q = c.prepareStatement("SELECT p.partnatts, p.partattrs[0], quote_ident(a.attname),"
                + " format_type(a.atttypid, a.atttypmod), p.partstrat FROM pg_partitioned_table p"
                + " LEFT JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0] WHERE p.partrelid = ?")) {
            q.setLong(1, parent);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                if (rs.getInt(1) != 1 || rs.getInt(2) == 0) {
                    throw new LoadRefusedException("mode exchange: " + table + " is partitioned by more than one column or by an"
                            + " expression; exchange swaps a partition of a table partitioned by one date column");
                }
                key = rs.getString(3);
                keyType = rs.getString(4);
                strategy = rs.getString(5);
            }
        }
        List<Target> holding = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("SELECT c.oid, n.nspname, c.relname, quote_ident(n.nspname) || '.' || quote_ident(c.relname),"
                + " pg_get_expr(c.relpartbound, c.oid), pg_get_partition_constraintdef(c.oid), c.relkind FROM pg_inherits i"
                + " JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE i.inhparent = ? ORDER BY c.relname")) {
            q.setLong(1, parent);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    String bound = rs.getString(5);
                    if (bound.equals("DEFAULT")) {
                        continue; // the rows of no other partition: not a date's to swap
                    }
                    if (holds(c, rs.getString(6), key, keyType, value)) {
                        if ("p".equals(rs.getString(7))) {
                            throw new LoadRefusedException("mode exchange: the partition " + rs.getString(4) + " of " + table + " that"
                                    + " holds " + value + " is partitioned itself; exchange swaps a partition that holds rows");
                        }
                        holding.add(new Target(parent, rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), bound,
                                rs.getString(6), List.of(), List.of()));
                    }
                }
            }
        }
        if (holding.isEmpty() && create) {
            return toBeMade(c, new Parent(parent, parentSchema, parentName, table, key, keyType, strategy), value);
        }
        if (holding.isEmpty()) {
            String example = "r".equals(strategy)
                    ? "FOR VALUES FROM ('" + value + "') TO (<the next date>)"
                    : "FOR VALUES IN ('" + value + "')";
            throw new LoadRefusedException("mode exchange: no partition of " + table + " holds " + key + " = '" + value + "'; create it"
                    + " first: CREATE TABLE " + table + "_" + partitionSuffix(value) + " PARTITION OF " + table + " "
                    + example + "; or set createPartition true on the load");
        }
        Target found = holding.get(0);
        List<String> indexes = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("SELECT pg_get_indexdef(x.indexrelid), quote_ident(i.relname) FROM pg_index x"
                + " JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = ? ORDER BY i.relname")) {
            q.setLong(1, found.oid());
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    indexes.add(rs.getString(1));
                    names.add(rs.getString(2));
                }
            }
        }
        return new Target(parent, found.oid(), found.schema(), found.name(), found.qualified(), found.bound(), found.constraint(), indexes,
                names);
    }

    /** A partitioned table and its one key column. */
    private record Parent(long oid, String schema, String name, String table, String key, String keyType, String strategy) {
    }

    /**
     * The partition createPartition makes for {@code value}: {@code TABLE_yyyyMMdd}, {@code FOR VALUES IN (value)} on a
     * LIST table, {@code FOR VALUES FROM (value) TO (value + 1 day)} on a RANGE table of a date or timestamp key; with
     * the table's indexes, named as PostgreSQL names those it makes for a new partition.
     */
    private static Target toBeMade(Connection c, Parent parent, String value) throws SQLException {
        String name = trim(parent.name(), "_" + partitionSuffix(value));
        boolean taken;
        String qualified;
        try (PreparedStatement q = c.prepareStatement("SELECT quote_ident(?) || '.' || quote_ident(?), to_regclass(quote_ident(?) || '.' || quote_ident(?))"
                + " IS NOT NULL")) {
            for (int i = 0; i < 4; i += 2) {
                q.setString(i + 1, parent.schema());
                q.setString(i + 2, name);
            }
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                qualified = rs.getString(1);
                taken = rs.getBoolean(2);
            }
        }
        String type = parent.keyType();
        String bound;
        String constraint;
        if ("l".equals(parent.strategy())) {
            String v = normalized(c, "CAST(? AS " + type + ")", value);
            bound = "FOR VALUES IN (" + LegacyPartitionExchange.literal(v) + ")";
            constraint = "((" + parent.key() + " IS NOT NULL) AND (" + parent.key() + " = ANY (ARRAY[" + LegacyPartitionExchange.literal(v)
                    + "::" + type + "])))";
        } else if ("r".equals(parent.strategy()) && type.matches("date|timestamp.*")) {
            String from = normalized(c, "CAST(? AS " + type + ")", value);
            String to = dayAfter(c, type, value);
            bound = "FOR VALUES FROM (" + LegacyPartitionExchange.literal(from) + ") TO (" + LegacyPartitionExchange.literal(to) + ")";
            constraint = "((" + parent.key() + " IS NOT NULL) AND (" + parent.key() + " >= " + LegacyPartitionExchange.literal(from) + "::"
                    + type + ") AND (" + parent.key() + " < " + LegacyPartitionExchange.literal(to) + "::" + type + "))";
        } else {
            throw new LoadRefusedException("mode exchange: no partition of " + parent.table() + " holds " + parent.key() + " = '" + value
                    + "', and createPartition makes only LIST partitions and one-day RANGE partitions of a date or timestamp key ("
                    + parent.key() + " is " + type + "); create it first: CREATE TABLE " + parent.table() + "_" + partitionSuffix(value)
                    + " PARTITION OF " + parent.table() + " FOR VALUES ...");
        }
        if (taken) {
            throw new LoadRefusedException("mode exchange: no partition of " + parent.table() + " holds " + parent.key() + " = '" + value
                    + "', and the partition createPartition would make, " + qualified + ", is the name of a table that is not one;"
                    + " drop or rename it, or attach it: ALTER TABLE " + parent.table() + " ATTACH PARTITION " + qualified + " " + bound);
        }
        List<String> indexes = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("SELECT pg_get_indexdef(x.indexrelid), coalesce((SELECT string_agg(coalesce(a.attname, 'expr'),"
                + " '_' ORDER BY k.n) FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, n) LEFT JOIN pg_attribute a"
                + " ON a.attrelid = x.indrelid AND a.attnum = k.attnum), 'expr') FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
                + " WHERE x.indrelid = ? ORDER BY i.relname")) {
            q.setLong(1, parent.oid());
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    indexes.add(rs.getString(1));
                    names.add(quote(trim(name + "_" + rs.getString(2), "_idx")));
                }
            }
        }
        return new Target(parent.oid(), 0, parent.schema(), name, qualified, bound, constraint, indexes, names);
    }

    /** What a partition made for a value is named after: its letters and digits ({@code 2024-03-14} gives {@code 20240314}). */
    static String partitionSuffix(String value) {
        return value.replaceAll("[^0-9A-Za-z]", "");
    }

    /** The value a day later, of the key's date or timestamp type, as the warehouse prints it: a one-day partition's upper bound. */
    static String dayAfter(Connection c, String keyType, String value) throws SQLException {
        return normalized(c, "CAST(CAST(? AS " + keyType + ") + interval '1 day' AS " + keyType + ")", value);
    }

    /** A value as the warehouse prints it once cast ({@code 2024-03-14}, {@code 2024-03-15 00:00:00}). */
    private static String normalized(Connection c, String expression, String value) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT CAST(" + expression + " AS text)")) {
            q.setString(1, value);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        } catch (SQLException e) {
            throw new LoadRefusedException("mode exchange: partitionValue '" + value + "' is not a value of the partition key: " + e.getMessage());
        }
    }

    private static boolean holds(Connection c, String constraint, String key, String keyType, String value) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT coalesce((" + constraint + "), false) FROM (SELECT CAST(? AS " + keyType + ") AS "
                + key + ") AS v")) {
            q.setString(1, value);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        } catch (SQLException e) {
            throw new LoadRefusedException("mode exchange: partitionValue '" + value + "' is not a value of " + key + " (" + keyType + "): "
                    + e.getMessage());
        }
    }

    /** The longest flow part of a staging name: room is left for the date, an execution id, the table's tag and {@code _old}. */
    private static final int FLOW_PART = 20;

    /**
     * What the names of a flow's staging tables for a date begin with, {@code ferry_stage_FLOW_DATE_}: the same for every
     * execution, so that the next exchange of the date finds what dead runs left. A flow name too long for it is cut and
     * told apart from others cut alike by a hash of it.
     */
    static String leftoverPrefix(String flow, String mydate) {
        String name = flow == null ? "flow" : flow;
        String flowPart = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        if (flowPart.length() > FLOW_PART) {
            flowPart = flowPart.substring(0, FLOW_PART - 7) + "_" + String.format("%06x", name.hashCode() & 0xffffff);
        }
        return "ferry_stage_" + flowPart + "_" + (mydate == null ? "nodate" : mydate) + "_";
    }

    /**
     * The staging table's name: who made it, for which date, in which execution, so that an operator knows it, and a tag
     * of the table it is for, so that two exchanges of one run (a split of two loads) neither share a name nor take each
     * other's tables for leftovers.
     */
    static String stagingName(String flow, String mydate, long execution, String tag) {
        return leftoverPrefix(flow, mydate) + execution + "_" + tag;
    }

    /** What the swapped-out partition is called between the swap's commit and its drop (a crash there leaves it to the next run). */
    static String retiredName(String staging) {
        return staging + "_old";
    }

    /** Four hex digits of the table's schema-qualified name, as the catalog spells it. */
    static String tag(Connection connection, long table) throws SQLException {
        try (PreparedStatement q = connection.prepareStatement("SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n"
                + " ON n.oid = c.relnamespace WHERE c.oid = ?")) {
            q.setLong(1, table);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return String.format("%04x", rs.getString(1).hashCode() & 0xffff);
            }
        }
    }

    /**
     * Loads the partition's files into a staging table and swaps it in for the date's partition.
     *
     * @param filler fills the staging table it is given and commits its rows
     */
    static Loader.Result exchange(Connection connection, Loader.Request request, Filler filler)
            throws SQLException, IOException, InterruptedException {
        Loader.Exchange settings = request.exchange();
        if (settings.swap() == PartitionSwap.EXCHANGE_PARTITION) {
            return LegacyPartitionExchange.exchange(connection, request, filler);
        }
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(true);
        long parent = find(connection, request.table(), settings.partitionValue(), settings.createPartition()).parent();
        lockDate(connection, parent, settings.partitionValue());
        try {
            // Read again under the lock: an exchange of the date that held it may have replaced or made the partition.
            Target target = find(connection, request.table(), settings.partitionValue(), settings.createPartition());
            long execution = request.run() == null ? 0 : request.run().execution();
            String tag = tag(connection, parent);
            String staging = quote(target.schema()) + "." + stagingName(request.flow(), request.mydate(), execution, tag);
            dropLeftovers(connection, target.schema(), request, tag);
            Filling filled = stage(connection, request, target, staging, filler);
            int attempts = swap(connection, request, target, staging, settings);
            if (target.exists() && !settings.keepPrevious()) {
                dropRetired(connection, request, quote(target.schema()) + "." + quote(retiredName(staging.substring(staging.indexOf('.') + 1))));
            }
            String how = filled.how() + (target.exists() ? ", by exchanging partition " + target.qualified() + (settings.keepPrevious()
                    ? " (the rows it held are kept as " + target.schema() + "." + previousName(target.name()) + ")" : "")
                    : ", by attaching it as the new partition " + target.qualified() + " " + target.bound())
                    + (attempts > 1 ? " after " + attempts + " attempts at its lock" : "");
            return new Loader.Result(0, filled.rows(), filled.manifest().bytes(), filled.manifest().files().size(), how);
        } finally {
            unlockDate(connection, parent, settings.partitionValue());
            try {
                connection.setAutoCommit(autoCommit);
            } catch (SQLException ignored) {
                // the connection is gone; the failure that broke it is the one reported
            }
        }
    }

    /**
     * One exchange of a table's date at a time, for the whole exchange (it spans transactions): the session lock goes
     * with the session, so a killed run leaves no lock behind.
     */
    static void lockDate(Connection connection, long table, String value) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_lock(?::oid::int, hashtext(?))")) {
            lock.setString(1, Long.toString(table));
            lock.setString(2, value);
            lock.execute();
        }
    }

    static void unlockDate(Connection connection, long table, String value) {
        try (PreparedStatement unlock = connection.prepareStatement("SELECT pg_advisory_unlock(?::oid::int, hashtext(?))")) {
            unlock.setString(1, Long.toString(table));
            unlock.setString(2, value);
            unlock.execute();
        } catch (SQLException e) {
            LOG.fine(() -> "advisory unlock: " + e.getMessage()); // a broken connection took the lock with it
        }
    }

    /** Fills a staging table with a partition's rows and commits them; returns the rows and the manifest they are of. */
    interface Filler {
        Filling fill(Connection connection, Loader.Request into) throws SQLException, IOException, InterruptedException;
    }

    /** @param manifest the partition's manifest, whose rows the staging table must hold */
    record Filling(long rows, String how, Manifest manifest) {
    }

    /**
     * Staging tables of this flow, date and table that dead runs left (this one holds the date's lock, so they are dead),
     * and swapped-out partitions whose drop a crash prevented; also those named as before tags, {@code
     * ferry_stage_FLOW_DATE_EXECUTION}. The pattern is a regular expression, not {@code starts_with}, which Greenplum 6 lacks.
     */
    static void dropLeftovers(Connection connection, String schema, Loader.Request request, String tag) throws SQLException {
        String pattern = "^" + leftoverPrefix(request.flow(), request.mydate()) + "[0-9]+(_" + tag + ")?(_old)?$";
        List<String> dead = new ArrayList<>();
        try (PreparedStatement q = connection.prepareStatement("SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_class c"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relkind = 'r' AND c.relname ~ ?")) {
            q.setString(1, schema);
            q.setString(2, pattern);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    dead.add(rs.getString(1));
                }
            }
        }
        try (Statement s = connection.createStatement()) {
            for (String table : dead) {
                s.execute("DROP TABLE IF EXISTS " + table);
                LOG.info(() -> request.flow() + " " + request.mydate() + ": dropped " + table + ", left by a run of this date that did not"
                        + " finish (its staging table, or the partition it swapped out)");
            }
        }
    }

    /**
     * The staging table: created and committed empty, filled by one or more streams (each committing its files), then
     * checked against the partition's bound row by row and given the partition's indexes in one transaction. A failure drops it; a crash leaves it
     * for the next exchange of the date to drop.
     */
    private static Filling stage(Connection connection, Loader.Request request, Target target, String staging, Filler filler)
            throws SQLException, IOException, InterruptedException {
        // A partition to be made is shaped like the table, and stored (distributed) as the table's partitions are by default.
        Storage storage = storage(connection, target.exists() ? target.oid() : target.parent(),
                request.exchange().swap() == PartitionSwap.DETACH_ATTACH_DISTRIBUTED);
        try (Statement s = connection.createStatement()) {
            s.execute(createStaging(staging, target.exists() ? target.qualified() : request.table(), storage));
        }
        try {
            try (Statement s = connection.createStatement()) {
                // Checked as each row goes in, not by a scan of the whole table afterwards; the attach trusts it instead of scanning.
                s.execute("ALTER TABLE " + staging + " ADD CONSTRAINT " + BOUND + " CHECK (" + target.constraint() + ")");
            }
            Loader.Request into = new Loader.Request(staging, request.columns(), LoadMode.APPEND, null, request.partition(), request.flow(),
                    request.mydate(), request.copyFormat(), null, null, request.external());
            Filling filled;
            try {
                filled = filler.fill(connection, into);
            } catch (SQLException | RuntimeException e) {
                if (outsideTheBound(e)) {
                    throw new LoadRefusedException("rows of " + request.partition().describe() + " fall outside the bound of " + target.qualified()
                            + " (" + target.bound() + "): the extract's query selects other dates than partitionValue; nothing was swapped, "
                            + request.table() + " is unchanged (" + e.getMessage() + ")");
                }
                throw e;
            }
            if (filled.rows() != filled.manifest().rows()) {
                throw new LoadRefusedException("loaded " + filled.rows() + " rows from " + request.partition().describe() + " but its manifest"
                        + " says " + filled.manifest().rows() + "; nothing was swapped, " + request.table() + " is unchanged");
            }
            connection.setAutoCommit(false);
            try (Statement s = connection.createStatement()) {
                int n = 0;
                for (String definition : target.indexes()) {
                    Matcher m = INDEX_DEF.matcher(definition);
                    if (!m.matches()) {
                        throw new LoadRefusedException("mode exchange: cannot read the definition of an index of " + target.qualified()
                                + " (" + definition + ")");
                    }
                    String qualified = indexName(staging, ++n);
                    s.execute("CREATE " + (m.group(1) == null ? "" : m.group(1)) + "INDEX " + qualified.substring(qualified.indexOf('.') + 1)
                            + " ON " + staging
                            + " USING " + m.group(2));
                }
            }
            connection.commit();
            connection.setAutoCommit(true);
            return filled;
        } catch (SQLException | IOException | RuntimeException | InterruptedException e) {
            dropAfterFailure(connection, staging, e);
            throw e;
        }
    }

    /**
     * How the partition is stored, for its replacement to be stored alike: its access method ({@code heap}, or
     * Greenplum's {@code ao_row} / {@code ao_column}), its storage parameters, and on an MPP warehouse its distribution.
     *
     * @param distribution as Greenplum prints it ({@code DISTRIBUTED BY (id)}, {@code DISTRIBUTED RANDOMLY}, {@code
     *                     DISTRIBUTED REPLICATED}), or empty on PostgreSQL
     */
    record Storage(String accessMethod, String options, String distribution) {
    }

    private static Storage storage(Connection connection, long table, boolean distributed) throws SQLException {
        try (PreparedStatement q = connection.prepareStatement("SELECT coalesce(am.amname, ''), coalesce(array_to_string(c.reloptions, ', '), '')"
                + (distributed ? ", pg_get_table_distributedby(c.oid)" : ", ''")
                + " FROM pg_class c LEFT JOIN pg_am am ON am.oid = c.relam WHERE c.oid = ?")) {
            q.setLong(1, table);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return new Storage(rs.getString(1), rs.getString(2), rs.getString(3));
            }
        }
    }

    /**
     * The staging table: the partition's columns, defaults, NOT NULLs, CHECKs and storage of columns ({@code LIKE ...
     * INCLUDING ALL}, its indexes left for after the data), and what {@code LIKE} does not copy: the access method,
     * the storage parameters and the distribution, which Greenplum's ATTACH requires to be the parent's. Options that
     * only choose the access method ({@code appendonly}, {@code appendoptimized}, {@code orientation}) are left out,
     * as {@code USING} says it.
     */
    static String createStaging(String staging, String partition, Storage storage) {
        String options = storage.accessMethod().isEmpty() ? storage.options() : String.join(", ", Arrays.stream(storage.options()
                .split(",\\s*")).filter(o -> !o.isBlank() && !o.matches("(?i)(appendonly|appendoptimized|orientation)=.*")).toList());
        return "CREATE TABLE " + staging + " (LIKE " + partition + " INCLUDING ALL EXCLUDING INDEXES)"
                + (storage.accessMethod().isEmpty() ? "" : " USING " + storage.accessMethod())
                + (options.isEmpty() ? "" : " WITH (" + options + ")")
                + (storage.distribution().isEmpty() ? "" : " " + storage.distribution());
    }

    /** The CHECK of the partition's bound that the staging table carries until it is attached. */
    private static final String BOUND = "ferry_bound";

    /** Whether a load failed because a row broke the staging table's CHECK of the bound (anywhere in its causes). */
    private static boolean outsideTheBound(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("violates check constraint \"" + BOUND + "\"")) {
                return true;
            }
        }
        return false;
    }

    /** A staging table that failed is dropped at once; when the session is broken, the next exchange of the date drops it. */
    static void dropAfterFailure(Connection connection, String staging, Exception failure) {
        try {
            if (!connection.getAutoCommit()) {
                connection.rollback();
            }
            connection.setAutoCommit(true);
            try (Statement s = connection.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + staging);
            }
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    /** The swap, in one transaction under lock_timeout, retried with back-off while a reader holds the table; returns the attempts. */
    private static int swap(Connection connection, Loader.Request request, Target target, String staging, Loader.Exchange settings)
            throws SQLException, InterruptedException {
        return swapping(connection, request, staging, settings, s -> {
            if (target.exists()) {
                swapOut(s, request, target, settings.keepPrevious() ? previousName(target.name())
                        : retiredName(staging.substring(staging.indexOf('.') + 1)), settings.keepPrevious());
            } // else createPartition: the staging table becomes the date's first partition
            int n = 0;
            for (String index : target.indexNames()) {
                s.execute("ALTER INDEX " + indexName(staging, ++n) + " RENAME TO " + index);
            }
            s.execute("ALTER TABLE " + staging + " RENAME TO " + quote(target.name()));
            s.execute("ALTER TABLE " + request.table() + " ATTACH PARTITION " + target.qualified() + " " + target.bound());
            s.execute("ALTER TABLE " + target.qualified() + " DROP CONSTRAINT " + BOUND);
        });
    }

    /**
     * Detaches the date's partition and renames it (and its indexes, whose names the new partition takes): to {@code
     * PARTITION_previous} to keep it, else to the staging table's name with {@code _old}, dropped once the swap has
     * committed, so that the swap's transaction stays short.
     */
    private static void swapOut(Statement s, Loader.Request request, Target target, String newName, boolean keepPrevious) throws SQLException {
        String schema = quote(target.schema());
        s.execute("ALTER TABLE " + request.table() + " DETACH PARTITION " + target.qualified());
        if (keepPrevious) {
            s.execute("DROP TABLE IF EXISTS " + schema + "." + quote(newName));
        }
        s.execute("ALTER TABLE " + target.qualified() + " RENAME TO " + quote(newName));
        int n = 0;
        for (String index : target.indexNames()) {
            String suffix = (keepPrevious ? "_previous" : "_o") + (++n); // "_o", not the staging indexes' "_i", however the names are cut
            s.execute("ALTER INDEX " + schema + "." + index + " RENAME TO " + quote(trim(keepPrevious ? unquote(index) : newName, suffix)));
        }
    }

    /** The swapped-out partition, dropped after the swap's commit; one that cannot be dropped now is the next exchange's to drop. */
    static void dropRetired(Connection connection, Loader.Request request, String retired) {
        try (Statement s = connection.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + retired);
        } catch (SQLException e) {
            LOG.warning(() -> request.flow() + " " + request.mydate() + ": the swapped-out partition " + retired + " was not dropped ("
                    + e.getMessage() + "); the next exchange of this date drops it, or drop it yourself");
        }
    }

    /** What a swap does inside its transaction, after the lock timeout is set and the run's fence is checked. */
    @FunctionalInterface
    interface Swap {
        void run(Statement statement) throws SQLException;
    }

    /**
     * Runs {@code swap} in one transaction under lock_timeout, after checking that the run still holds its date; retried
     * with back-off while readers hold the table (a long reader delays the swap but is never cancelled); returns the attempts.
     */
    static int swapping(Connection connection, Loader.Request request, String staging, Loader.Exchange settings, Swap swap)
            throws SQLException, InterruptedException {
        Duration backOff = Duration.ofMillis(500);
        for (int attempt = 1; ; attempt++) {
            connection.setAutoCommit(false);
            try (Statement s = connection.createStatement()) {
                s.execute("SET LOCAL lock_timeout = '" + Math.max(1, settings.lockTimeout().toMillis()) + "ms'");
                Fences.check(connection, request);
                swap.run(s);
                connection.commit();
                return attempt;
            } catch (SQLException e) {
                connection.rollback();
                if (!LOCK_NOT_AVAILABLE.equals(e.getSQLState()) || attempt >= MAX_SWAP_ATTEMPTS) {
                    if (LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                        throw new SQLException("mode exchange: " + request.table() + " stayed locked by other sessions through " + attempt
                                + " attempts of " + settings.lockTimeout().toMillis() + " ms each; " + staging + " holds the loaded rows and"
                                + " is removed by the next run. Raise lockTimeout or run outside the readers' hours", e.getSQLState(), e);
                    }
                    throw e;
                }
                int tried = attempt;
                Duration wait = backOff;
                LOG.info(() -> request.flow() + " " + request.mydate() + ": " + request.table() + " is in use; swap attempt " + tried
                        + " waited " + settings.lockTimeout().toMillis() + " ms for its lock, next in " + wait.toMillis() + " ms");
                Thread.sleep(backOff.toMillis());
                backOff = backOff.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : backOff.multipliedBy(2);
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    private static String indexName(String staging, int n) {
        String name = staging.substring(staging.indexOf('.') + 1);
        return staging.substring(0, staging.indexOf('.') + 1) + trim(name, "_i" + n);
    }

    static String previousName(String partition) {
        return trim(partition, "_previous");
    }

    /** {@code name + suffix} within PostgreSQL's 63 characters. */
    private static String trim(String name, String suffix) {
        return name.substring(0, Math.min(name.length(), 63 - suffix.length())) + suffix;
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static String unquote(String identifier) {
        return identifier.startsWith("\"") ? identifier.substring(1, identifier.length() - 1).replace("\"\"", "\"") : identifier;
    }

    /** What try-run says of a partition that createPartition will make, when no partition holds the value yet. */
    public static Optional<String> newPartition(Connection c, String table, Loader.Exchange exchange) {
        if (!exchange.createPartition()) {
            return Optional.empty();
        }
        try {
            if (exchange.swap() == PartitionSwap.EXCHANGE_PARTITION) {
                String add = LegacyPartitionExchange.find(c, table, exchange.partitionValue(), true).add();
                return add.isEmpty() ? Optional.empty() : Optional.of("no partition holds " + exchange.partitionValue() + " yet: it is"
                        + " added in the swap's transaction: " + add);
            }
            Target target = find(c, table, exchange.partitionValue(), true);
            return target.exists() ? Optional.empty() : Optional.of("no partition holds " + exchange.partitionValue() + " yet: the staging"
                    + " table becomes the new partition " + target.qualified() + " " + target.bound());
        } catch (LoadRefusedException | SQLException e) {
            return Optional.empty(); // the check says why
        }
    }

    /** What try-run and run's check say of an exchange's target: the partition it would swap, or why none. */
    public static Optional<String> problem(Connection c, String table, Loader.Exchange exchange) {
        try {
            if (exchange.swap() == PartitionSwap.EXCHANGE_PARTITION) {
                LegacyPartitionExchange.find(c, table, exchange.partitionValue(), exchange.createPartition());
            } else {
                find(c, table, exchange.partitionValue(), exchange.createPartition());
            }
            return Optional.empty();
        } catch (LoadRefusedException e) {
            return Optional.of(e.getMessage());
        } catch (SQLException e) {
            return Optional.of("mode exchange: cannot read the partitions of " + table + ": " + e.getMessage());
        }
    }
}
