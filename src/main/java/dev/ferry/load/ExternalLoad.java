package dev.ferry.load;

import dev.ferry.config.Secret;
import dev.ferry.partition.CsvFormat;
import dev.ferry.partition.FileDigest;
import dev.ferry.partition.Manifest;
import dev.ferry.partition.ManifestFile;
import dev.ferry.partition.Partition;
import dev.ferry.step.Progress;
import dev.ferry.store.StoreLocation;
import dev.ferry.warehouse.Dialect;
import dev.ferry.warehouse.ExternalFiles;
import dev.ferry.warehouse.ExternalReader;
import dev.ferry.warehouse.Sql;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * method external: the warehouse reads the partition's files itself, through a foreign or external table its
 * {@link Dialect} makes over exactly the manifest's files, with {@code INSERT ... SELECT} inside the load's
 * transaction; the table is dropped in the same transaction. Ferry reads each file once before, to check its
 * size and SHA-256 against the manifest (the warehouse's reader checks nothing), and the rows each reader gives
 * must be its files' rows in the manifest: nothing is skipped or rejected silently.
 */
public final class ExternalLoad implements StagingStreams.Work<ExternalReader> {

    /** Setting up what the readers share (an extension, a server) one load at a time: {@code "FRRY"} and 2. */
    private static final String PREPARE_LOCK = "SELECT pg_advisory_lock(1179796057, 2)";
    private static final String PREPARE_UNLOCK = "SELECT pg_advisory_unlock(1179796057, 2)";

    private final Partition partition;
    private final Dialect dialect;
    private final ExternalFiles files;
    private final List<ExternalReader> readers;
    private final Progress progress;

    private ExternalLoad(Partition partition, Dialect dialect, ExternalFiles files, Progress progress) {
        this.partition = partition;
        this.dialect = dialect;
        this.files = files;
        this.readers = dialect.readers(files);
        this.progress = progress;
    }

    /**
     * The readers of {@code request}'s partition, after the checks a warehouse can answer before anything changes
     * (refused with what to do), and with what they share set up. {@code connection} is in autocommit.
     */
    static ExternalLoad prepare(Connection connection, Loader.Request request, Manifest manifest, CsvFormat format, Progress progress)
            throws SQLException {
        Loader.External external = request.external();
        ExternalFiles files = files(connection, request, manifest.files(), format, UUID.randomUUID().toString().substring(0, 8));
        String problem = external.dialect().cannotRead(files).or(() -> external.dialect().check(connection, files)).orElse(null);
        if (problem != null) {
            throw new LoadRefusedException(problem + " (" + request.table() + " is unchanged)");
        }
        try (Statement s = connection.createStatement()) {
            s.execute(PREPARE_LOCK);
            try {
                for (Sql sql : external.dialect().prepare(files)) {
                    try {
                        s.execute(sql.text());
                    } catch (SQLException e) {
                        throw new LoadRefusedException("method external on " + external.dialect().name() + ": " + sql.shown() + " failed: "
                                + scrub(files, e.getMessage()) + "; a superuser of the warehouse can run it once, or use method copy");
                    }
                }
            } finally {
                s.execute(PREPARE_UNLOCK);
            }
        }
        return new ExternalLoad(request.partition(), external.dialect(), files, progress);
    }

    /**
     * What try-run shows of an external load and what it, and run before it starts, check.
     *
     * @param statements what a load of a partition of one file runs, keys masked
     * @param problem    why the warehouse cannot read the partition itself, or empty
     */
    public record Plan(String dialect, List<String> statements, java.util.Optional<String> problem) {
    }

    /** The plan of loading {@code partition} into {@code table} by the warehouse itself, before the partition exists. */
    public static Plan plan(Connection connection, String table, List<String> columns, Partition partition, CsvFormat format,
                            Loader.External external) {
        Dialect dialect = external.dialect();
        Loader.Request request = new Loader.Request(table, columns, LoadMode.APPEND, null, partition, null, null, CopyFormat.AUTO, null, null,
                external);
        try {
            ExternalFiles none = files(connection, request, List.of(), format, "TRYRUN");
            java.util.Optional<String> problem = dialect.cannotRead(none).or(() -> dialect.check(connection, none));
            if (problem.isPresent()) {
                return new Plan(dialect.name(), List.of(), problem);
            }
            ExternalFiles one = files(connection, request, List.of(new ManifestFile(format.compression().fileName(0), 0, 0, "")), format,
                    "TRYRUN");
            List<String> shown = new ArrayList<>();
            dialect.prepare(one).forEach(sql -> shown.add(sql.shown()));
            for (ExternalReader reader : dialect.readers(one)) {
                reader.create().forEach(sql -> shown.add(sql.shown()));
                shown.add(insert(table, one, reader));
                reader.drop().forEach(sql -> shown.add(sql.shown()));
            }
            return new Plan(dialect.name(), shown, java.util.Optional.empty());
        } catch (LoadRefusedException e) {
            return new Plan(dialect.name(), List.of(), java.util.Optional.of(e.getMessage()));
        } catch (SQLException e) {
            return new Plan(dialect.name(), List.of(), java.util.Optional.of("method external: cannot read " + table + " in the warehouse: "
                    + e.getMessage()));
        }
    }

    @Override
    public List<ExternalReader> units() {
        return readers;
    }

    @Override
    public long bytes(ExternalReader reader) {
        return reader.bytes();
    }

    @Override
    public StagingStreams.Load<ExternalReader> on(Connection session, Loader.Request into) {
        return new StagingStreams.Load<>() {
            @Override
            public long load(ExternalReader reader) throws SQLException, IOException {
                return read(session, into, reader);
            }

            @Override
            public String how() {
                return "by the warehouse itself (" + dialect.name() + ", " + readers.size() + " reader(s))";
            }
        };
    }

    /** One reader, in the session's transaction: files checked, reader made, rows inserted and counted, reader dropped. */
    private long read(Connection session, Loader.Request into, ExternalReader reader) throws SQLException, IOException {
        for (ManifestFile file : reader.files()) {
            verify(file);
        }
        String what = reader.files().size() == 1 ? partition.store().describe(partition.key(reader.files().get(0).name()))
                : reader.files().size() + " files of " + partition.describe();
        long rows;
        try (Statement s = session.createStatement()) {
            for (Sql sql : reader.create()) {
                run(s, sql, what);
            }
            try {
                rows = s.executeLargeUpdate(insert(into.table(), files, reader));
            } catch (SQLException e) {
                throw new SQLException("the warehouse's read of " + what + " failed: " + scrub(files, e.getMessage()), e.getSQLState(), e);
            }
            for (Sql sql : reader.drop()) {
                run(s, sql, what);
            }
        }
        if (rows != reader.rows()) {
            throw new LoadRefusedException("the warehouse read " + rows + " rows from " + what + " but the manifest says " + reader.rows()
                    + "; rolled back, " + into.table() + " is unchanged");
        }
        progress.add(rows, reader.bytes());
        return rows;
    }

    private void run(Statement s, Sql sql, String what) throws SQLException {
        try {
            s.execute(sql.text());
        } catch (SQLException e) {
            throw new SQLException("reading " + what + " in the warehouse: " + sql.shown() + " failed: " + scrub(files, e.getMessage()),
                    e.getSQLState(), e);
        }
    }

    private static String insert(String table, ExternalFiles files, ExternalReader reader) {
        String columns = files.columns().stream().map(ExternalFiles.Column::name).collect(Collectors.joining(", "));
        return "INSERT INTO " + table + " (" + columns + ") SELECT " + columns + " FROM " + reader.relation();
    }

    /** The file is the manifest's, byte for byte: the warehouse's reader would load whatever is there. */
    private void verify(ManifestFile file) throws IOException {
        String key = partition.key(file.name());
        FileDigest digest = new FileDigest();
        try (InputStream in = partition.store().open(key); OutputStream sink = digest.watch(OutputStream.nullOutputStream())) {
            in.transferTo(sink);
        }
        if (digest.bytes() != file.bytes() || !digest.sha256().equals(file.sha256())) {
            throw new LoadRefusedException(partition.store().describe(key) + " differs from its manifest (" + digest.bytes() + " bytes, sha256 "
                    + digest.sha256() + "; expected " + file.bytes() + " bytes, " + file.sha256() + "); rolled back, the target is"
                    + " unchanged. Rerun the extract of this date");
        }
    }

    /** A server's message with the store's key masked, in case it echoes a location or an option. */
    private static String scrub(ExternalFiles files, String message) {
        return files.location() instanceof StoreLocation.Bucket bucket ? bucket.secretKey().scrub(message) : Secret.none().scrub(message);
    }

    private static ExternalFiles files(Connection connection, Loader.Request request, List<ManifestFile> manifestFiles, CsvFormat format,
                                       String tag) throws SQLException {
        String schema;
        try (PreparedStatement q = connection.prepareStatement("SELECT quote_ident(n.nspname) FROM pg_class c JOIN pg_namespace n"
                + " ON n.oid = c.relnamespace WHERE c.oid = to_regclass(?)")) {
            q.setString(1, request.table());
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    throw new LoadRefusedException("there is no table " + request.table() + " in the warehouse; create it first");
                }
                schema = rs.getString(1);
            }
        }
        return new ExternalFiles(schema, tag, columns(connection, request), format, request.partition().prefix(), manifestFiles,
                request.partition().store().location(), request.external().settings());
    }

    /** The columns the files fill, in file order, with their types in the target: those named, else all but generated ones. */
    private static List<ExternalFiles.Column> columns(Connection connection, Loader.Request request) throws SQLException {
        List<ExternalFiles.Column> columns = new ArrayList<>();
        boolean generated = connection.getMetaData().getDatabaseMajorVersion() >= 12; // Greenplum 6 is PostgreSQL 9.4 inside
        String all = "SELECT quote_ident(attname), format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = to_regclass(?)"
                + " AND attnum > 0 AND NOT attisdropped" + (generated ? " AND attgenerated = ''" : "") + " ORDER BY attnum";
        if (request.columns().isEmpty()) {
            try (PreparedStatement q = connection.prepareStatement(all)) {
                q.setString(1, request.table());
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        columns.add(new ExternalFiles.Column(rs.getString(1), rs.getString(2)));
                    }
                }
            }
            return columns;
        }
        try (PreparedStatement q = connection.prepareStatement("SELECT quote_ident(attname), format_type(atttypid, atttypmod) FROM"
                + " pg_attribute WHERE attrelid = to_regclass(?) AND attname = ? AND attnum > 0 AND NOT attisdropped")) {
            for (String column : request.columns()) {
                q.setString(1, request.table());
                q.setString(2, column.startsWith("\"") ? column.substring(1, column.length() - 1) : column.toLowerCase(java.util.Locale.ROOT));
                try (ResultSet rs = q.executeQuery()) {
                    if (!rs.next()) {
                        throw new LoadRefusedException("the warehouse's table " + request.table() + " has no column " + column);
                    }
                    columns.add(new ExternalFiles.Column(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return columns;
    }
}
