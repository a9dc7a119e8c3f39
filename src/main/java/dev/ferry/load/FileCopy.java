package dev.ferry.load;

import dev.ferry.partition.CsvFormat;
import dev.ferry.partition.FileDigest;
import dev.ferry.partition.ManifestFile;
import dev.ferry.partition.Partition;
import dev.ferry.step.Progress;
import dev.ferry.store.StoreUnavailableException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Copies a partition's files, one at a time, into the load's table inside the load's transaction, and
 * checks each file's bytes against its manifest entry as they stream: a file that differs is refused.
 *
 * <p>Where {@link BinaryRows} can encode the target's columns, a file goes to the server in binary COPY
 * format, which the server takes in about half the time it needs to parse CSV. A file it cannot encode, or
 * whose rows the server refuses, is loaded again as CSV (from a savepoint, so nothing of the first try
 * stays), and so are the files after it: the CSV COPY is the reference, and its errors, with their line
 * numbers, are the ones a user sees.
 */
final class FileCopy {

    private static final Logger LOG = Logger.getLogger(FileCopy.class.getName());
    private static final int COPY_BUFFER = 64 * 1024;
    /** SQLState classes of a refusal that a CSV COPY of the same file may not share: data, integrity, syntax, unsupported. */
    private static final Set<String> REFUSALS_WORTH_CSV = Set.of("22", "23", "42", "0A");

    private final Connection connection;
    private final CopyManager copyManager;
    private final Partition partition;
    private final CsvFormat format;
    private final String csvCopy;
    private final String binaryCopy;
    private BinaryRows binary;
    private String how;

    FileCopy(Connection connection, Loader.Request request, CsvFormat format, Optional<TargetColumns> columns) throws SQLException {
        this.connection = connection;
        this.copyManager = connection.unwrap(PGConnection.class).getCopyAPI();
        this.partition = request.partition();
        this.format = format;
        String target = "COPY " + request.table() + (request.columns().isEmpty() ? "" : " (" + String.join(", ", request.columns()) + ")")
                + " FROM STDIN WITH ";
        this.csvCopy = target + format.copyOptions();
        this.binaryCopy = target + "(FORMAT binary)";
        if (request.copyFormat() == CopyFormat.CSV) {
            how = "as CSV (copyFormat csv)";
        } else if (columns.isEmpty()) {
            how = "as CSV (the table's columns could not be read before the load)";
        } else {
            TargetColumns.Encoding encoding = columns.get().encoding(format);
            binary = encoding.rows().orElse(null);
            how = binary != null ? "in binary" : "as CSV (" + encoding.why() + ")";
        }
    }

    /** How the rows went to COPY: {@code in binary}, {@code as CSV (why)}, or in binary and then as CSV from a file on. */
    String how() {
        return how;
    }

    /** @return the rows of {@code file} loaded */
    long copy(ManifestFile file, Progress progress) throws SQLException, IOException {
        long rows = -1;
        if (binary != null) {
            Savepoint beforeFile = connection.setSavepoint();
            try {
                rows = attempt(file, true);
                connection.releaseSavepoint(beforeFile);
            } catch (CsvNeeded e) {
                connection.rollback(beforeFile);
                connection.releaseSavepoint(beforeFile);
                binary = null;
                how = "in binary, then from " + file.name() + " on as CSV (" + e.getMessage() + ")";
                LOG.info(() -> partition.store().describe(partition.key(file.name())) + ": loading it and the files after it as CSV: "
                        + e.getMessage());
            }
        }
        if (rows < 0) {
            rows = attempt(file, false);
        }
        progress.add(rows, file.bytes());
        return rows;
    }

    /** The binary COPY of a file was refused in a way a CSV COPY of it may not be; only a binary attempt throws it. */
    private static final class CsvNeeded extends RuntimeException {
        CsvNeeded(String message) {
            super(message, null, false, false);
        }
    }

    private long attempt(ManifestFile file, boolean inBinary) throws SQLException, IOException {
        String key = partition.key(file.name());
        FileDigest digest = new FileDigest();
        ReadWatch read = new ReadWatch(partition.store().open(key));
        try (InputStream stored = digest.watch(read)) {
            long rows;
            try {
                InputStream csv = format.compression().decompress(stored);
                rows = inBinary ? binary.copy(csv, copyManager.copyIn(binaryCopy)) : copyManager.copyIn(csvCopy, csv, COPY_BUFFER);
            } catch (SQLException | IOException | RuntimeException | BinaryRows.NotEncodable e) {
                if (read.failure != null) {
                    throw cutShort(key, digest, file, read.failure);
                }
                String state = e instanceof SQLException sql ? sql.getSQLState() : null;
                boolean csvMayTakeIt = inBinary && (e instanceof BinaryRows.NotEncodable || e instanceof RuntimeException
                        || state != null && state.length() == 5 && REFUSALS_WORTH_CSV.contains(state.substring(0, 2)));
                if (csvMayTakeIt && digest.bytes() == 0) { // refused before a byte was read (a server without binary COPY)
                    throw new CsvNeeded(e.getMessage());
                }
                boolean intact = drainAndCheck(stored, digest, file);
                if (!intact && (read.failure != null || digest.bytes() < file.bytes())) {
                    throw cutShort(key, digest, file, read.failure);
                }
                if (csvMayTakeIt) {
                    throw new CsvNeeded(e instanceof RuntimeException ? e.toString() : e.getMessage());
                }
                // A file that no longer matches its manifest explains the failure better than the parse error it caused.
                if (!intact) {
                    throw tampered(key, digest, file, " (PostgreSQL said: " + e.getMessage() + ")");
                }
                String lost = state != null && state.startsWith("08")
                        ? " (SQLState " + state + ": the database connection was lost mid-COPY: the server ended it — pg_terminate_backend,"
                          + " a restart, a failover — or the network dropped it; the load rolled back, and with retries it runs again)"
                        : "";
                throw new SQLException("loading " + partition.store().describe(key) + " failed: " + e.getMessage() + lost, state, e);
            }
            if (!drainAndCheck(stored, digest, file)) {
                if (read.failure != null || digest.bytes() < file.bytes()) {
                    throw cutShort(key, digest, file, read.failure);
                }
                throw tampered(key, digest, file, "");
            }
            return rows;
        }
    }

    /** Reads what COPY left of the file (a gzip reader may stop before the end) and compares it with the manifest. */
    private static boolean drainAndCheck(InputStream stored, FileDigest digest, ManifestFile file) {
        try {
            stored.transferTo(OutputStream.nullOutputStream());
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return digest.bytes() == file.bytes() && digest.sha256().equals(file.sha256());
    }

    /**
     * A read that the store or the network ended early. The listing showed the file at its full size before
     * any SQL ran, so a short read is not a changed file: a transient failure, worth another attempt. Only
     * bytes read in full that differ are taken for a changed file.
     */
    private StoreUnavailableException cutShort(String key, FileDigest digest, ManifestFile file, Exception cause) {
        StoreUnavailableException e = new StoreUnavailableException("reading " + partition.store().describe(key) + " failed after "
                + digest.bytes() + " of " + file.bytes() + " bytes: " + (cause == null ? "the stream ended early" : cause.getMessage())
                + "; the load rolled back. The store or the network ended the read, a transient failure: with retries it runs again");
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }

    private LoadRefusedException tampered(String key, FileDigest digest, ManifestFile file, String detail) {
        return new LoadRefusedException(partition.store().describe(key) + " differs from its manifest (" + digest.bytes()
                + " bytes, sha256 " + digest.sha256() + "; expected " + file.bytes() + " bytes, " + file.sha256() + ")" + detail
                + "; rolled back, the target is unchanged. Rerun the extract of this date");
    }

    /** Notes the first failure of the store's stream itself, as opposed to what COPY or the digest make of its bytes. */
    private static final class ReadWatch extends FilterInputStream {
        private Exception failure;

        ReadWatch(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException | RuntimeException e) {
                failure = failure == null ? e : failure;
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException | RuntimeException e) {
                failure = failure == null ? e : failure;
                throw e;
            }
        }
    }
}
