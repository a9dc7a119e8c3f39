package dev.ferry.load;

import dev.ferry.db.MoreConnections;
import dev.ferry.partition.Compression;
import dev.ferry.partition.CsvFormat;
import dev.ferry.partition.Manifest;
import dev.ferry.partition.ManifestFile;
import dev.ferry.partition.ManifestLedger;
import dev.ferry.partition.Partition;
import dev.ferry.partition.PartitionFeed;
import dev.ferry.step.Progress;
import dev.ferry.store.StoredObject;
import dev.ferry.warehouse.Dialect;
import dev.ferry.warehouse.PartitionSwap;
import dev.ferry.warehouse.WarehouseSettings;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * Loads a published partition into a table in one transaction. Before any SQL it checks that the manifest
 * is the one its extract published (its digest is in the {@link ManifestLedger}), that it was published
 * where it is and, when this flow's own extract wrote it, for this run's date, and that the files are the
 * ones it lists. The delete (or truncate) and the {@code COPY ... FROM STDIN} of every file then commit
 * together only when each file matches the manifest's size and SHA-256, the loaded rows equal the
 * manifest's rows, and (mode replace) the rows that match {@code replaceWhere} are exactly those loaded.
 * Anything else rolls back, so the target is either fully replaced or exactly as it was; a rerun never
 * duplicates rows, and the target needs no primary key.
 */
public final class Loader {

    private static final Logger LOG = Logger.getLogger(Loader.class.getName());

    /**
     * What to load.
     *
     * @param columns      target columns in file order; empty for all columns in table order
     * @param replaceWhere the condition of the rows to replace, required for {@link LoadMode#REPLACE}
     * @param flow         the run's flow and {@code mydate}: a partition that this flow's extract published for
     *                     another date is refused
     * @param copyFormat   how the rows go to the server: {@link CopyFormat#AUTO} in binary where Ferry can encode them
     * @param run          the run this load belongs to, whose appends are recorded in the warehouse; null for none (a sample)
     * @param exchange     how mode exchange swaps the partition; null for the other modes
     * @param external     how the warehouse reads the files itself (method external); null for COPY through Ferry
     */
    public record Request(String table, List<String> columns, LoadMode mode, ReplaceWhere replaceWhere, Partition partition,
                          String flow, String mydate, CopyFormat copyFormat, Run run, Exchange exchange, External external) {
        public Request {
            table = Identifiers.table(table);
            columns = List.copyOf(columns);
            copyFormat = copyFormat == null ? CopyFormat.AUTO : copyFormat;
            if (mode == LoadMode.EXCHANGE && (exchange == null || exchange.partitionValue() == null || exchange.partitionValue().isBlank())) {
                throw new IllegalArgumentException("mode exchange needs partitionValue, a value of the partition key that the date's"
                        + " partition holds, e.g. ${mydate|yyyy-MM-dd}");
            }
            if (mode == LoadMode.REPLACE && (replaceWhere == null || replaceWhere.condition().isBlank())) {
                throw new IllegalArgumentException("mode replace needs replaceWhere, the condition of the rows this "
                        + "date replaces, e.g. c = DATE '${mydate}'; or use mode append or truncate");
            }
        }

        public static List<String> parseColumns(String list) {
            return Identifiers.columns(list);
        }
    }

    /**
     * The run a load belongs to, for the record of appended partitions.
     *
     * @param forced      whether the run was started again on purpose ({@code --force}): it appends a partition
     *                    loaded by an earlier run once more
     * @param loadedTable where the warehouse keeps the record, e.g. {@code ferry_loaded}
     * @param fence       the date's claim this run holds, checked just before the load commits; null for none
     */
    public record Run(long jobInstance, long execution, boolean forced, String loadedTable, Fence fence) {
    }

    /**
     * The fencing token of the claim a run held when its load began, and where to read the one it holds now.
     *
     * @param holder the token of the date's claim that the run holds now; empty once another execution holds it
     */
    public record Fence(long token, Holder holder) {
        public interface Holder {
            java.util.OptionalLong current() throws SQLException;
        }
    }

    /**
     * How mode exchange swaps the date's partition.
     *
     * @param partitionValue a value of the partition key that the date's partition holds, e.g. {@code 2024-03-14}
     * @param lockTimeout    how long each attempt at the swap waits for the table's lock (readers) before it backs off
     * @param keepPrevious   keep the swapped-out rows as {@code PARTITION_previous} instead of dropping them
     * @param parallel       sessions that fill the staging table at once, each taking whole files; 0 for auto (by the
     *                       manifest's bytes)
     * @param createPartition where no partition holds the value, the staging table is attached as the date's partition
     *                       (declarative partitions only)
     */
    public record Exchange(String partitionValue, Duration lockTimeout, boolean keepPrevious, int parallel, PartitionSwap swap,
                           boolean createPartition) {
        /** The same exchange, swapped as the warehouse's dialect swaps. */
        public Exchange swappedBy(PartitionSwap how) {
            return new Exchange(partitionValue, lockTimeout, keepPrevious, parallel, how, createPartition);
        }
    }

    /**
     * method external: the warehouse reads the store itself.
     *
     * @param dialect  how this warehouse makes its readers
     * @param settings where it sees the store, from {@code ferry.db.NAME.*}
     */
    public record External(Dialect dialect, WarehouseSettings settings) {
    }

    /**
     * What a load did.
     *
     * @param copy how the rows went to COPY, e.g. {@code in binary} or {@code as CSV (column d is of type interval, ...)}
     */
    public record Result(long deletedRows, long loadedRows, long bytes, int files, String copy) {
    }

    /** The advisory lock of a target table: its oid in the upper half of a key of Ferry's own ("FRRY"). */
    private static final String TABLE_LOCK = "(to_regclass(?)::oid::bigint << 32) | 1179796057";

    private final ManifestLedger ledger;

    /** @param ledger where each published manifest's digest was recorded by its extract */
    public Loader(ManifestLedger ledger) {
        this.ledger = ledger;
    }

    public Result load(Connection connection, Request request, Progress progress)
            throws SQLException, IOException, InterruptedException {
        return load(connection, MoreConnections.NONE, request, progress);
    }

    /** Loads as {@link #load(Connection, Request, Progress)}; a load in parallel streams (exchange) takes its sessions from {@code more}. */
    public Result load(Connection connection, MoreConnections more, Request request, Progress progress)
            throws SQLException, IOException, InterruptedException {
        Partition partition = request.partition();
        Partition.Published published = partition.readPublished().orElseThrow(() -> new LoadRefusedException(
                "no " + Partition.MANIFEST + " under " + partition.describe()
                        + ": the extract of this date has not completed; run the extract step first"));
        Manifest manifest = published.manifest();
        verifyIdentity(partition, manifest, request); // first: a copied partition is told as such, not as an edited one
        verifyDigest(partition, published);
        verifyListing(partition, manifest);
        StagingStreams.Work<?> work = request.external() != null
                ? ExternalLoad.prepare(connection, request, manifest, formatOf(manifest), progress)
                : copying(manifest, targetColumns(connection, request), progress);
        if (request.mode() == LoadMode.EXCHANGE) {
            return PartitionExchange.exchange(connection, request, (first, into) -> {
                StagingStreams.Filled filled = StagingStreams.fill(first, more, request.exchange().parallel(), into, work);
                return new PartitionExchange.Filling(filled.rows(), filled.how(), manifest);
            });
        }
        return inOneTransaction(connection, request, deleted -> {
            Optional<LoadedPartitions.Loaded> earlier = appendedBefore(connection, request, manifest, published.sha256());
            if (earlier.isPresent()) {
                return nothingAgain(connection, request, manifest, earlier.get());
            }
            StagingStreams.Filled filled = loadAll(connection, request, work);
            commitIfComplete(connection, request, manifest, published.sha256(), filled.rows());
            return new Result(deleted, filled.rows(), manifest.bytes(), manifest.files().size(), filled.how());
        });
    }

    /** Every unit of {@code work} on one session, in its transaction. */
    private static <T> StagingStreams.Filled loadAll(Connection connection, Request request, StagingStreams.Work<T> work)
            throws SQLException, IOException, InterruptedException {
        StagingStreams.Load<T> load = work.on(connection, request);
        long loaded = 0;
        for (T unit : work.units()) {
            loaded += load.load(unit);
        }
        return new StagingStreams.Filled(loaded, 1, load.how());
    }

    /** The manifest's files through {@code COPY ... FROM STDIN}, each session with a {@link FileCopy} of its own. */
    private static StagingStreams.Work<ManifestFile> copying(Manifest manifest, Optional<TargetColumns> columns, Progress progress) {
        CsvFormat format = formatOf(manifest);
        return new StagingStreams.Work<>() {
            @Override
            public List<ManifestFile> units() {
                return manifest.files();
            }

            @Override
            public long bytes(ManifestFile file) {
                return file.bytes();
            }

            @Override
            public StagingStreams.Load<ManifestFile> on(Connection session, Request into) throws SQLException {
                FileCopy copy = new FileCopy(session, into, format, columns);
                return new StagingStreams.Load<>() {
                    @Override
                    public long load(ManifestFile file) throws SQLException, IOException {
                        return copy.copy(file, progress);
                    }

                    @Override
                    public String how() {
                        return copy.how();
                    }
                };
            }
        };
    }

    /** What runs in the load's transaction after the target was cleared; it commits, or anything it throws rolls back. */
    private interface InTransaction {
        Result run(long deleted) throws SQLException, IOException, InterruptedException;
    }

    /** Clears the target and runs {@code work} in one transaction; a failure rolls back, and autocommit is as it was. */
    private static Result inOneTransaction(Connection connection, Request request, InTransaction work)
            throws SQLException, IOException, InterruptedException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        Result result;
        try {
            result = work.run(clearTarget(connection, request));
        } catch (SQLException | IOException | RuntimeException | InterruptedException e) {
            rollback(connection, e);
            restoreAutoCommit(connection, autoCommit, e);
            throw e;
        }
        restoreAutoCommit(connection, autoCommit, null);
        return result;
    }

    /**
     * Loads the partition while its extract publishes it (overlap), in one transaction as {@link #load}
     * does: each file as soon as the extract has committed it, checked against the size and SHA-256 the
     * extract computed; an attempt of the extract that starts over rolls back what its earlier attempt's
     * files loaded. The transaction commits only after the extract has published the manifest and that
     * manifest passes every check of {@link #load} and lists exactly the files loaded. When the extract
     * fails, or ends without publishing, the load rolls back and the target is as it was.
     *
     * @param extractEnded whether the followed extract step has ended, for an extract that could not even
     *                     tell its feed it failed
     */
    public Result loadFollowing(Connection connection, Request request, PartitionFeed feed, BooleanSupplier extractEnded,
                                Progress progress) throws SQLException, IOException, InterruptedException {
        Optional<TargetColumns> columns = targetColumns(connection, request);
        if (request.mode() == LoadMode.EXCHANGE) {
            // The staging table fills in one transaction while the extract writes; it commits once the manifest is proven.
            return PartitionExchange.exchange(connection, request, (first, into) -> {
                first.setAutoCommit(false);
                try {
                    Followed followed = follow(first, request, into, feed, extractEnded, columns, progress);
                    first.commit();
                    return new PartitionExchange.Filling(followed.loaded(), followed.how() + " as the extract wrote the files",
                            followed.manifest());
                } catch (SQLException | IOException | RuntimeException | InterruptedException e) {
                    rollback(first, e);
                    throw e;
                } finally {
                    restoreAutoCommit(first, true, null);
                }
            });
        }
        return inOneTransaction(connection, request, deleted -> {
            Followed followed = follow(connection, request, request, feed, extractEnded, columns, progress);
            Optional<LoadedPartitions.Loaded> earlier = appendedBefore(connection, request, followed.manifest(), followed.sha256());
            if (earlier.isPresent()) {
                return nothingAgain(connection, request, followed.manifest(), earlier.get());
            }
            commitIfComplete(connection, request, followed.manifest(), followed.sha256(), followed.loaded());
            return new Result(deleted, followed.loaded(), followed.manifest().bytes(), followed.manifest().files().size(), followed.how());
        });
    }

    /** What a followed extract published, its manifest's digest, and the rows of it loaded. */
    private record Followed(Manifest manifest, String sha256, long loaded, String how) {
    }

    /**
     * Loads into {@code into} each file the extract commits, in {@code connection}'s transaction, until the extract
     * publishes; then proves that what the store holds is what was loaded.
     */
    private Followed follow(Connection connection, Request request, Request into, PartitionFeed feed, BooleanSupplier extractEnded,
                            Optional<TargetColumns> columns, Progress progress) throws SQLException, IOException, InterruptedException {
        Partition partition = request.partition();
        Savepoint beforeFiles = connection.setSavepoint();
        CsvFormat format = null;
        FileCopy copy = null;
        List<ManifestFile> files = new ArrayList<>();
        long loaded = 0;
        Manifest manifest = null;
        while (manifest == null) {
            Optional<PartitionFeed.Event> next = feed.next(Duration.ofSeconds(1));
            if (next.isEmpty()) {
                if (extractEnded.getAsBoolean() && (next = feed.next(Duration.ofSeconds(1))).isEmpty()) {
                    throw new LoadRefusedException("the extract that writes " + partition.describe() + " ended without publishing"
                            + " it; rolled back, " + request.table() + " is unchanged");
                }
                if (next.isEmpty()) {
                    continue;
                }
            }
            PartitionFeed.Event event = next.get();
            if (event instanceof PartitionFeed.Begun begun) {
                if (format != null) { // an earlier attempt of the extract failed: its files are void
                    connection.rollback(beforeFiles);
                    beforeFiles = connection.setSavepoint();
                    files.clear();
                    loaded = 0;
                }
                format = begun.format();
                copy = new FileCopy(connection, into, format, columns);
            } else if (event instanceof PartitionFeed.FileCommitted committed) {
                loaded += copy.copy(committed.file(), progress);
                files.add(committed.file());
            } else if (event instanceof PartitionFeed.Published published) {
                manifest = published.manifest();
            } else if (event instanceof PartitionFeed.Failed failed) {
                throw new LoadRefusedException("the extract that writes " + partition.describe() + " failed (" + failed.reason()
                        + "); rolled back, " + request.table() + " is unchanged");
            } else {
                throw new LoadRefusedException("the extract that writes " + partition.describe() + " was left out of this run;"
                        + " rolled back, " + request.table() + " is unchanged");
            }
        }
        // What the store holds now must be what was loaded: the same checks as a load of a published partition.
        Partition.Published stored = partition.readPublished().orElseThrow(() -> new LoadRefusedException("the extract said it"
                + " published " + partition.describe() + " but there is no " + Partition.MANIFEST + "; rolled back"));
        verifyIdentity(partition, stored.manifest(), request);
        verifyDigest(partition, stored);
        verifyListing(partition, stored.manifest());
        if (!stored.manifest().files().equals(manifest.files()) || !Set.copyOf(files).equals(Set.copyOf(manifest.files()))
                || !formatOf(stored.manifest()).equals(format)) {
            throw new LoadRefusedException("the files loaded from " + partition.describe() + " are not those its manifest lists; rolled"
                    + " back, " + request.table() + " is unchanged");
        }
        return new Followed(manifest, stored.sha256(), loaded, copy.how());
    }

    /**
     * Commits once the rows loaded are the manifest's and, in mode replace, exactly the rows of replaceWhere; an
     * append records the partition in the warehouse in the same transaction.
     */
    private static void commitIfComplete(Connection connection, Request request, Manifest manifest, String sha256, long loaded)
            throws SQLException {
        if (loaded != manifest.rows()) {
            throw new LoadRefusedException("loaded " + loaded + " rows from " + request.partition().describe() + " but its manifest says "
                    + manifest.rows() + "; rolled back, " + request.table() + " is unchanged");
        }
        if (request.mode() == LoadMode.REPLACE) {
            verifyReplaced(connection, request, loaded);
        }
        if (recordsAppends(request)) {
            new LoadedPartitions(request.run().loadedTable()).record(connection, request.table(), request.partition().manifestLocation(),
                    sha256, loaded, request);
        }
        Fences.check(connection, request);
        connection.commit();
    }

    private static boolean recordsAppends(Request request) {
        return request.mode() == LoadMode.APPEND && request.run() != null && request.run().loadedTable() != null;
    }

    /**
     * An append of a partition that the warehouse records as loaded into the target already: by this run (a retry
     * after a commit whose acknowledgement was lost, a restart after a crash that JBeret did not see end), or by
     * an earlier run when this one was not forced. Then nothing is loaded again.
     */
    private static Optional<LoadedPartitions.Loaded> appendedBefore(Connection connection, Request request, Manifest manifest,
                                                                   String sha256) throws SQLException {
        if (!recordsAppends(request)) {
            return Optional.empty();
        }
        Optional<LoadedPartitions.Loaded> earlier = new LoadedPartitions(request.run().loadedTable())
                .lockAndFind(connection, request.table(), sha256);
        if (earlier.isPresent() && request.run().forced() && earlier.get().jobInstance() != request.run().jobInstance()) {
            LOG.warning(() -> request.flow() + " " + request.mydate() + ": appending " + request.partition().describe() + " to "
                    + request.table() + " again, as forced: it was loaded " + earlier.get() + ", so its " + manifest.rows()
                    + " row(s) are now there twice");
            return Optional.empty();
        }
        return earlier;
    }

    private static Result nothingAgain(Connection connection, Request request, Manifest manifest, LoadedPartitions.Loaded earlier)
            throws SQLException {
        connection.rollback();
        return new Result(0, 0, 0, 0, "- nothing: " + request.partition().describe() + " was appended to " + request.table() + " "
                + earlier + " already, and an append loads a partition once (ferry run --force appends it again and doubles its "
                + manifest.rows() + " row(s))");
    }

    private static CsvFormat formatOf(Manifest manifest) {
        return new CsvFormat(manifest.delimiter(), manifest.encoding(), manifest.header(), Compression.parse(manifest.compression()));
    }

    /** The target's columns, read before the transaction begins (binary COPY needs their types); none with copyFormat csv. */
    private static Optional<TargetColumns> targetColumns(Connection connection, Request request) {
        return request.copyFormat() == CopyFormat.CSV ? Optional.empty() : TargetColumns.read(connection, request);
    }

    /** The manifest is byte for byte the one its extract published: its format, rows and files can be trusted. */
    private void verifyDigest(Partition partition, Partition.Published published) throws IOException {
        String location = partition.manifestLocation();
        var recorded = ledger.recorded(location);
        if (recorded.isEmpty()) {
            throw new LoadRefusedException("refusing to load " + partition.describe() + ": its manifest was not published by an extract"
                    + " this job repository knows of (no digest in its manifest ledger); rerun the extract of this date");
        }
        if (!recorded.get().equals(published.sha256())) {
            throw new LoadRefusedException("refusing to load " + partition.describe() + ": its manifest was changed after the extract"
                    + " published it (sha256 " + published.sha256() + ", published " + recorded.get() + "), so its format, rows and"
                    + " files cannot be trusted; rerun the extract of this date");
        }
    }

    /**
     * A partition is loaded where it was published and, when this flow's extract published it, for the date
     * it was published for: a prefix copied by hand, or a {@code target} without {@code ${mydate}}, would
     * otherwise empty one date and double another.
     */
    private static void verifyIdentity(Partition partition, Manifest manifest, Request request) {
        if (manifest.prefix() != null && !manifest.prefix().equals(partition.prefix())) {
            throw new LoadRefusedException("refusing to load " + partition.describe() + ": its manifest was published under "
                    + manifest.prefix() + " (flow " + manifest.flow() + ", step " + manifest.step() + ", mydate " + manifest.mydate()
                    + "), not here; a partition copied from another prefix is not loaded. Rerun the extract of this date");
        }
        if (manifest.flow() != null && manifest.flow().equals(request.flow()) && request.mydate() != null
                && !request.mydate().equals(manifest.mydate())) {
            throw new LoadRefusedException("refusing to load " + partition.describe() + " for mydate " + request.mydate()
                    + ": it holds the rows that flow " + manifest.flow() + ", step " + manifest.step() + " extracted for mydate "
                    + manifest.mydate() + ". Does the extract's target name ${mydate}? Rerun the extract of " + request.mydate());
        }
    }

    /**
     * In mode replace, every loaded row must match {@code replaceWhere}: a row that does not would be loaded
     * again by every later run (a query of {@code c >= '${mydate}'} with a {@code replaceWhere} of
     * {@code c = DATE '${mydate}'} duplicates every later day). And no loaded row may match the condition of
     * the dates next to this one (see {@link #verifySelectsOneDate}). Checked inside the transaction.
     */
    private static void verifyReplaced(Connection connection, Request request, long loaded) throws SQLException {
        long matching;
        try (Statement statement = connection.createStatement();
             var rows = statement.executeQuery("SELECT count(*) FROM " + request.table() + " WHERE " + request.replaceWhere().condition())) {
            rows.next();
            matching = rows.getLong(1);
        }
        if (matching != loaded) {
            throw new LoadRefusedException("after loading " + loaded + " rows into " + request.table() + ", " + matching
                    + " rows match replaceWhere (" + request.replaceWhere() + "): the extract's query and replaceWhere do not select"
                    + " the same rows, so each run would " + (matching < loaded ? "leave rows that the next run loads again (duplicates)"
                    : "keep rows it should have replaced") + ". Make the query select exactly the rows of replaceWhere;"
                    + " rolled back, " + request.table() + " is unchanged");
        }
        verifySelectsOneDate(connection, request, "loaded");
    }

    /**
     * A replace deletes only this date's rows: no row that {@code replaceWhere} selects may be selected by the
     * same condition written for the date before or after ({@code c >= DATE '${mydate}'} selects 15 March for
     * the run of 14 March and for that of 15 March). Checked on the rows about to be deleted, and again on
     * the rows loaded, so that a first load into an empty table is checked too.
     */
    private static void verifySelectsOneDate(Connection connection, Request request, String which) throws SQLException {
        String overlap = request.replaceWhere().overlapSql(request.table());
        if (overlap == null) {
            return;
        }
        long rows;
        try (Statement statement = connection.createStatement(); var result = statement.executeQuery(overlap)) {
            result.next();
            rows = result.getLong(1);
        }
        if (rows > 0) {
            throw new LoadRefusedException(rows + " row(s) " + which + " in " + request.table() + " match replaceWhere ("
                    + request.replaceWhere() + ") and also the same condition for " + request.replaceWhere().describeNeighbours()
                    + ": replaceWhere selects more than this date's rows, so the replace would delete rows of other dates. Write it"
                    + " to select exactly one date, e.g. c = DATE '${mydate|yyyy-MM-dd}' (or set replacePeriod when one run replaces"
                    + " a week, month or year); rolled back, " + request.table() + " is unchanged");
        }
    }

    /** Every listed file is there with its size, and nothing else is: checked before any SQL runs. */
    private static void verifyListing(Partition partition, Manifest manifest) throws IOException {
        Map<String, Long> stored = new TreeMap<>();
        for (StoredObject object : partition.store().listFolder(partition.prefix())) {
            stored.put(object.key().substring(partition.prefix().length()), object.size());
        }
        stored.remove(Partition.MANIFEST);
        List<String> problems = new ArrayList<>();
        for (ManifestFile file : manifest.files()) {
            Long size = stored.remove(file.name());
            if (size == null) {
                problems.add(file.name() + " is missing");
            } else if (size != file.bytes()) {
                problems.add(file.name() + " has " + size + " bytes, the manifest says " + file.bytes());
            }
        }
        for (String extra : stored.keySet()) {
            if (Partition.isDataFile(extra)) {
                problems.add(extra + " is not in the manifest (remove " + partition.store().describe(partition.key(extra))
                        + " if it does not belong there)");
            } else {
                // Not a data file of Ferry's (a README, a leftover temporary file): never loaded, so no reason to refuse.
                LOG.warning(() -> partition.describe() + ": ignoring " + extra + ", which is not a data file of Ferry's");
            }
        }
        if (!problems.isEmpty()) {
            throw new LoadRefusedException("refusing to load " + partition.describe() + ": " + String.join("; ", problems)
                    + ". Rerun the extract of this date to republish the partition");
        }
    }

    private static long clearTarget(Connection connection, Request request) throws SQLException {
        // Two loads of one date at once (a forced run beside a backfill) would each delete before the other's rows
        // commit, and both would stay: the second waits here until the first has committed. Keyed on the table
        // itself (orders and public.orders are one table) and the business date (two spellings of one condition
        // select one date); a truncate waits for every other load of the table and they for it.
        try (PreparedStatement lock = connection.prepareStatement(request.mode() == LoadMode.TRUNCATE
                ? "SELECT pg_advisory_xact_lock(" + TABLE_LOCK + ")"
                : "SELECT pg_advisory_xact_lock_shared(" + TABLE_LOCK + ")"
                  + (request.mode() == LoadMode.REPLACE ? ", pg_advisory_xact_lock(to_regclass(?)::oid::int, hashtext(?))" : ""))) {
            lock.setString(1, request.table());
            if (request.mode() == LoadMode.REPLACE) {
                lock.setString(2, request.table());
                lock.setString(3, request.mydate() != null ? request.mydate() : request.replaceWhere().condition());
            }
            lock.execute();
        }
        if (request.mode() == LoadMode.REPLACE) {
            verifySelectsOneDate(connection, request, "already");
        }
        try (Statement statement = connection.createStatement()) {
            return switch (request.mode()) {
                case REPLACE -> statement.executeLargeUpdate("DELETE FROM " + request.table() + " WHERE " + request.replaceWhere().condition());
                case TRUNCATE -> {
                    statement.execute("TRUNCATE " + request.table());
                    yield 0;
                }
                case APPEND -> 0;
                case EXCHANGE -> throw new IllegalStateException("mode exchange swaps a partition; it deletes nothing");
            };
        }
    }

    /**
     * After a failure the connection may be gone (a terminated backend): its own error then stays the one
     * reported, with PostgreSQL's reason, and this one is only attached to it.
     */
    private static void restoreAutoCommit(Connection connection, boolean autoCommit, Exception failure) throws SQLException {
        try {
            connection.setAutoCommit(autoCommit);
        } catch (SQLException e) {
            if (failure == null) {
                throw e;
            }
            failure.addSuppressed(e);
        }
    }

    private static void rollback(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
            LOG.warning(() -> "rollback failed: " + e.getMessage());
        }
    }
}
