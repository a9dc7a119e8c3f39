package dev.ferry.extract;

import dev.ferry.db.MoreConnections;
import dev.ferry.partition.Attempt;
import dev.ferry.partition.CsvFormat;
import dev.ferry.partition.Manifest;
import dev.ferry.partition.ManifestFile;
import dev.ferry.partition.ManifestLedger;
import dev.ferry.partition.Partition;
import dev.ferry.partition.PartitionFeed;
import dev.ferry.partition.WriteBehind;
import dev.ferry.step.Progress;
import dev.ferry.store.StoredObject;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * Streams the rows of a query from PostgreSQL into a partition of the object store with
 * {@code COPY (query) TO STDOUT}: bytes go from the socket to the store with no row objects in between,
 * so memory does not grow with the data. Publishing replaces the partition: the old manifest is removed
 * first, the files written, leftover parts of an earlier run deleted, and the new manifest written last.
 */
public final class Extractor {

    private static final int WRITE_BEHIND_BUFFER = 256 * 1024;
    private static final int WRITE_BEHIND_DEPTH = 8;
    private static final Pattern TRAILING_SEMICOLONS = Pattern.compile("[\\s;]+$");

    /**
     * What to extract.
     *
     * @param maxFileBytes start a new file after this many uncompressed bytes; 0 for one file
     * @param minRows      fewer rows than this are refused and nothing is published
     * @param parallel     streams to read the query with; 0 to choose by the table's size ({@link MoreConnections#auto})
     * @param splitBy      a column of the query's result whose value ranges the streams read, instead of ranges
     *                     of the table's pages; null for pages
     * @param attempt      the step's attempt that writes: once it is given up it commits no file and publishes nothing
     */
    public record Request(String flow, String step, String mydate, String database, String query,
                          Partition partition, CsvFormat format, long maxFileBytes, long minRows, int parallel, String splitBy,
                          Attempt attempt) {
        public Request {
            attempt = attempt == null ? Attempt.ONLY : attempt;
        }
    }

    private static final Logger LOG = Logger.getLogger(Extractor.class.getName());

    private final ManifestLedger ledger;

    /** @param ledger where the published manifest's digest is recorded, for the load to check */
    public Extractor(ManifestLedger ledger) {
        this.ledger = ledger;
    }

    /** Extracts with one stream, on {@code connection}. */
    public Manifest extract(Connection connection, Request request, Progress progress) throws SQLException, IOException {
        return extract(connection, MoreConnections.NONE, request, new PartitionFeed(), progress);
    }

    /**
     * Extracts on {@code connection}, and, when the request asks for several streams and the query can be
     * split (see {@link ScanSplit}), on more connections from {@code more}, all reading one snapshot.
     */
    public Manifest extract(Connection connection, MoreConnections more, Request request, PartitionFeed feed, Progress progress)
            throws SQLException, IOException {
        Instant started = Instant.now();
        Partition partition = request.partition();
        String query = TRAILING_SEMICOLONS.matcher(request.query().strip()).replaceAll("");
        String copy = "COPY (" + query + ") TO STDOUT WITH " + request.format().copyOptions();

        partition.deleteManifest();
        feed.begun(request.format());
        AtomicInteger fileNumbers = new AtomicInteger();
        Streams streams = streams(connection, more, request, query, copy);
        List<ManifestFile> files = new ArrayList<>();
        long copiedRows = 0;
        try {
            if (streams.connections().size() == 1) {
                Copied one = copy(connection, streams.copies().get(0), request, partition, fileNumbers, feed, progress);
                files.addAll(one.files());
                copiedRows = one.rows();
            } else {
                for (Copied stream : copyInParallel(streams, request, partition, fileNumbers, feed, progress)) {
                    files.addAll(stream.files());
                    copiedRows += stream.rows();
                }
            }
        } catch (SQLException | IOException | RuntimeException e) {
            // A connection the failure broke cannot be rolled back either: that must not hide the failure.
            streams.closeQuietly(connection);
            throw e;
        }
        streams.close(connection);
        files.sort(Comparator.comparing(ManifestFile::name));
        long rows = files.stream().mapToLong(ManifestFile::rows).sum();
        if (rows != copiedRows) {
            throw new IOException("PostgreSQL sent " + copiedRows + " rows but " + rows + " were written to "
                    + partition.describe() + "; the partition was not published");
        }
        if (rows < request.minRows()) {
            throw new ExtractRefusedException(rows + " row(s) for mydate " + request.mydate() + ", fewer than minRows "
                    + request.minRows() + ": the source may not hold the day's data yet; nothing was published (the date is not"
                    + " loaded). Rerun when it does, or lower minRows");
        }
        deleteLeftoverParts(partition, files);
        Manifest manifest = new Manifest(Manifest.CURRENT_VERSION, request.flow(), request.step(), request.mydate(),
                partition.prefix(), request.database(), query, request.format().delimiter(), request.format().encoding(),
                request.format().header(), request.format().compression().toString(), rows,
                files.stream().mapToLong(ManifestFile::bytes).sum(), files, started, Instant.now());
        request.attempt().ensureCurrent("publishing " + partition.describe());
        partition.writeManifest(manifest, ledger);
        feed.published(manifest);
        return manifest;
    }

    /** The connections to read with, each prepared for its range of one snapshot; just {@code first} for one stream. */
    private record Streams(List<Connection> connections, List<String> copies) {
        static Streams one(Connection first, String copy) {
            return new Streams(List.of(first), List.of(copy));
        }

        /** Ends the streams' transactions (dropping their views) and returns the extra connections to their pool. */
        void close(Connection first) throws SQLException {
            SQLException failure = null;
            for (Connection c : connections) {
                try {
                    if (!c.getAutoCommit()) {
                        c.rollback();
                        c.setAutoCommit(true);
                    }
                    if (c != first) {
                        c.close();
                    }
                } catch (SQLException e) {
                    failure = failure == null ? e : failure;
                }
            }
            if (failure != null) {
                throw failure;
            }
        }

        /** After a failed set-up: back to one stream on {@code first}, in autocommit as it came. */
        void closeQuietly(Connection first) {
            try {
                close(first);
            } catch (SQLException e) {
                // a connection that cannot be rolled back is closed by its pool's validation
            }
        }
    }

    private Streams streams(Connection first, MoreConnections more, Request request, String query, String copy) throws SQLException {
        if (request.parallel() == 1) {
            return Streams.one(first, copy);
        }
        if (request.splitBy() != null) {
            return columnStreams(first, more, request, query);
        }
        ScanSplit.Plan plan = ScanSplit.of(first, query);
        if (plan instanceof ScanSplit.Unsplittable no) {
            if (request.parallel() > 1) {
                LOG.info(() -> request.flow() + "/" + request.step() + ": one stream, not " + request.parallel() + ": the query cannot be split: "
                        + no.reason() + "; name a column to split by with splitBy");
            }
            return Streams.one(first, copy);
        }
        ScanSplit split = ((ScanSplit.Splittable) plan).split();
        int n = streamsAvailable(request, more, request.parallel() > 0 ? request.parallel()
                : MoreConnections.auto(split.tableBytes()));
        if (n == 1) {
            return Streams.one(first, copy);
        }
        List<Connection> connections = new ArrayList<>(List.of(first));
        try {
            String snapshot = ScanSplit.exportSnapshot(first).orElseThrow(() -> new SQLException("no snapshot exported"));
            for (int i = 1; i < n; i++) {
                connections.add(more.open());
            }
            for (int i = 0; i < n; i++) {
                // The first connection keeps the snapshot it exported and joins as a stream with a view of its own.
                Connection stream = connections.get(i);
                boolean restricted = i == 0 ? split.restrict(stream, query, 0, n) : split.prepare(stream, snapshot, query, i, n);
                if (!restricted) {
                    throw new SQLException("the query does not read " + split.table() + " by name (schema-qualified?)");
                }
            }
            int streams = n;
            LOG.info(() -> request.flow() + "/" + request.step() + ": " + streams + " streams over " + split.pages() + " pages of "
                    + split.schema() + "." + split.table() + ", one snapshot");
            return new Streams(connections, java.util.Collections.nCopies(n, copy));
        } catch (SQLException e) {
            new Streams(connections, List.of()).closeQuietly(first);
            LOG.info(() -> request.flow() + "/" + request.step() + ": one stream: the query cannot be split here: " + e.getMessage());
            return Streams.one(first, copy);
        }
    }

    /**
     * Streams that each read one range of the {@code splitBy} column's values, in one snapshot: the ranges
     * divide min..max of the column evenly (integers, numerics, dates, timestamps), the first also takes the
     * rows where it is NULL. Any query can be split this way; each stream runs the whole query with its
     * range as a condition, so it pays off when that condition can use an index of the column's table.
     */
    private Streams columnStreams(Connection first, MoreConnections more, Request request, String query) throws SQLException {
        int n = streamsAvailable(request, more, request.parallel() > 0 ? request.parallel() : MoreConnections.AUTO_MAX_STREAMS);
        String column = request.splitBy();
        if (n == 1) {
            return Streams.one(first, "COPY (" + query + ") TO STDOUT WITH " + request.format().copyOptions());
        }
        List<Connection> connections = new ArrayList<>(List.of(first));
        try {
            String snapshot = ScanSplit.exportSnapshot(first).orElseThrow(() -> new SQLException("no snapshot exported"));
            List<String> bounds = new ArrayList<>();
            String type;
            try (Statement s = first.createStatement(); ResultSet rs = s.executeQuery("SELECT (m.lo + (m.hi - m.lo) * i / " + n
                    + ")::text, pg_typeof(m.lo)::text FROM (SELECT min(q." + column + ") lo, max(q." + column + ") hi FROM (" + query
                    + ") q) m, generate_series(1, " + (n - 1) + ") i ORDER BY i")) {
                type = null;
                while (rs.next()) {
                    bounds.add(rs.getString(1));
                    type = rs.getString(2);
                }
            }
            if (type == null || bounds.contains(null)) {
                throw new SQLException("the query has no rows with a " + column);
            }
            List<String> copies = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String atLeast = i == 0 ? null : "q." + column + " >= CAST(" + literal(bounds.get(i - 1)) + " AS " + type + ")";
                String below = i == n - 1 ? null : "q." + column + " < CAST(" + literal(bounds.get(i)) + " AS " + type + ")";
                String where = i == 0 ? "q." + column + " IS NULL OR " + below : below == null ? atLeast : atLeast + " AND " + below;
                copies.add("COPY (SELECT q.* FROM (" + query + ") q WHERE " + where + ") TO STDOUT WITH " + request.format().copyOptions());
            }
            for (int i = 1; i < n; i++) {
                Connection stream = more.open();
                connections.add(stream);
                stream.setAutoCommit(false);
                try (Statement s = stream.createStatement()) {
                    s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                    s.execute("SET TRANSACTION SNAPSHOT '" + snapshot.replace("'", "''") + "'");
                }
            }
            String ranges = n + " streams over ranges of " + column + " (" + type + "), one snapshot";
            LOG.info(() -> request.flow() + "/" + request.step() + ": " + ranges);
            return new Streams(connections, copies);
        } catch (SQLException e) {
            new Streams(connections, List.of()).closeQuietly(first);
            LOG.info(() -> request.flow() + "/" + request.step() + ": one stream: cannot split by " + column + ": " + e.getMessage());
            return Streams.one(first, "COPY (" + query + ") TO STDOUT WITH " + request.format().copyOptions());
        }
    }

    /** {@code wanted} streams, or fewer when the pool has not that many connections to spare now (logged). */
    private static int streamsAvailable(Request request, MoreConnections more, int wanted) {
        int n = (int) Math.max(1, Math.min(wanted, 1L + more.spare()));
        if (n < wanted) {
            LOG.info(() -> request.flow() + "/" + request.step() + ": " + n + " stream(s), not " + wanted + ": the database's pool has "
                    + (n - 1) + " connection(s) to spare now (pool-size)");
        }
        return n;
    }

    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /** Rows PostgreSQL sent on one stream and the files they went to. */
    private record Copied(long rows, List<ManifestFile> files) {
    }

    private static Copied copy(Connection connection, String copy, Request request, Partition partition, AtomicInteger fileNumbers,
                               PartitionFeed feed, Progress progress) throws SQLException, IOException {
        try (PartitionWriter writer = new PartitionWriter(partition, request.format(), request.maxFileBytes(), fileNumbers, feed, progress,
                request.attempt())) {
            CopyOut out = connection.unwrap(PGConnection.class).getCopyAPI().copyOut(copy);
            long copied;
            // This thread only reads the socket; scanning, digesting and storing run on the write-behind thread.
            WriteBehind behind = new WriteBehind(writer, WRITE_BEHIND_BUFFER, WRITE_BEHIND_DEPTH, "ferry-extract-writer");
            try {
                byte[] chunk;
                while ((chunk = out.readFromCopy()) != null) {
                    behind.write(chunk);
                }
                copied = out.getHandledRowCount();
                behind.close();
            } finally {
                behind.abandon(); // after close() a no-op; after a failure, stops the writer before the parts are discarded
                if (out.isActive()) {
                    out.cancelCopy(); // the store failed mid-stream: free the connection for the pool
                }
            }
            return new Copied(copied, writer.finish());
        }
    }

    /** Each stream on a thread of its own; the first failure cancels the others' COPY and is thrown. */
    private static List<Copied> copyInParallel(Streams streams, Request request, Partition partition, AtomicInteger fileNumbers,
                                               PartitionFeed feed, Progress progress) throws SQLException, IOException {
        List<Connection> connections = streams.connections();
        ExecutorService threads = Executors.newFixedThreadPool(connections.size(), r -> {
            Thread thread = new Thread(r, "ferry-extract-stream");
            thread.setDaemon(true);
            return thread;
        });
        try {
            ExecutorCompletionService<Copied> done = new ExecutorCompletionService<>(threads);
            for (int i = 0; i < connections.size(); i++) {
                Connection c = connections.get(i);
                String copy = streams.copies().get(i);
                done.submit(() -> copy(c, copy, request, partition, fileNumbers, feed, progress));
            }
            List<Copied> copied = new ArrayList<>();
            for (int i = 0; i < connections.size(); i++) {
                try {
                    copied.add(done.take().get());
                } catch (ExecutionException e) {
                    for (Connection c : connections) {
                        try {
                            c.unwrap(PGConnection.class).cancelQuery();
                        } catch (SQLException ignored) {
                            // the stream has ended already
                        }
                    }
                    for (int rest = i + 1; rest < connections.size(); rest++) {
                        try {
                            done.take();
                        } catch (InterruptedException x) {
                            Thread.currentThread().interrupt();
                            break;
                        }
                    }
                    if (e.getCause() instanceof SQLException sql) {
                        throw sql;
                    }
                    if (e.getCause() instanceof IOException io) {
                        throw io;
                    }
                    throw new IOException(e.getCause().getMessage(), e.getCause());
                }
            }
            return copied;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the streams ran", e);
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * Parts of an earlier, larger run of the same date, and uploads that killed attempts left unfinished;
     * anything else (a README someone put there) is left alone.
     */
    private static void deleteLeftoverParts(Partition partition, List<ManifestFile> files) throws IOException {
        Set<String> written = files.stream().map(ManifestFile::name).collect(Collectors.toSet());
        for (StoredObject object : partition.store().listFolder(partition.prefix())) {
            String name = object.key().substring(partition.prefix().length());
            if (Partition.isDataFile(name) && !written.contains(name)) {
                partition.store().delete(object.key());
            }
        }
        partition.store().discardUnfinished(partition.prefix());
    }
}
