package dev.ferry.extract;

import dev.ferry.partition.CsvFormat;
import dev.ferry.partition.Manifest;
import dev.ferry.partition.ManifestLedger;
import dev.ferry.partition.ManifestFile;
import dev.ferry.partition.Partition;
import dev.ferry.partition.WriteBehind;
import dev.ferry.step.Progress;
import dev.ferry.store.StoredObject;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
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
     */
    public record Request(String flow, String step, String mydate, String database, String query,
                          Partition partition, CsvFormat format, long maxFileBytes, long minRows) {
    }

    private final ManifestLedger ledger;

    /** @param ledger where the published manifest's digest is recorded, for the load to check */
    public Extractor(ManifestLedger ledger) {
        this.ledger = ledger;
    }

    public Manifest extract(Connection connection, Request request, Progress progress) throws SQLException, IOException {
        Instant started = Instant.now();
        Partition partition = request.partition();
        String query = TRAILING_SEMICOLONS.matcher(request.query().strip()).replaceAll("");
        String copy = "COPY (" + query + ") TO STDOUT WITH " + request.format().copyOptions();

        partition.deleteManifest();
        List<ManifestFile> files;
        long copiedRows;
        try (PartitionWriter writer = new PartitionWriter(partition, request.format(), request.maxFileBytes(), progress)) {
            CopyOut out = connection.unwrap(PGConnection.class).getCopyAPI().copyOut(copy);
            // This thread only reads the socket; scanning, digesting and storing run on the write-behind thread.
            WriteBehind behind = new WriteBehind(writer, WRITE_BEHIND_BUFFER, WRITE_BEHIND_DEPTH, "ferry-extract-writer");
            try {
                byte[] chunk;
                while ((chunk = out.readFromCopy()) != null) {
                    behind.write(chunk);
                }
                copiedRows = out.getHandledRowCount();
                behind.close();
            } finally {
                behind.abandon(); // after close() a no-op; after a failure, stops the writer before the parts are discarded
                if (out.isActive()) {
                    out.cancelCopy(); // the store failed mid-stream: free the connection for the pool
                }
            }
            files = writer.finish();
        }
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
        partition.writeManifest(manifest, ledger);
        return manifest;
    }

    /**
     * Parts of an earlier, larger run of the same date, and uploads that killed attempts left unfinished;
     * anything else (a README someone put there) is left alone.
     */
    private static void deleteLeftoverParts(Partition partition, List<ManifestFile> files) throws IOException {
        Set<String> written = files.stream().map(ManifestFile::name).collect(Collectors.toSet());
        for (StoredObject object : partition.store().list(partition.prefix())) {
            String name = object.key().substring(partition.prefix().length());
            if (Partition.isDataFile(name) && !written.contains(name)) {
                partition.store().delete(object.key());
            }
        }
        partition.store().discardUnfinished(partition.prefix());
    }
}
