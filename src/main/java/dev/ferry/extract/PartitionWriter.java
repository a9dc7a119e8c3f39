package dev.ferry.extract;

import dev.ferry.partition.Attempt;
import dev.ferry.partition.CsvFormat;
import dev.ferry.partition.FileDigest;
import dev.ferry.partition.ManifestFile;
import dev.ferry.partition.Partition;
import dev.ferry.partition.PartitionFeed;
import dev.ferry.step.Progress;
import dev.ferry.store.ObjectUpload;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Receives COPY's CSV output and writes it into the partition's data files, starting a new file at the
 * first row boundary after {@code maxFileBytes} (uncompressed). It tracks CSV quoting so that a line break
 * inside a quoted value never splits a row, counts the rows of each file, and digests what is stored.
 */
final class PartitionWriter extends OutputStream {

    private static final int BUFFER = 64 * 1024;

    private final Partition partition;
    private final CsvFormat format;
    private final long maxFileBytes;
    private final Progress progress;
    /** Numbers the files of every stream of one extract: part-00000, part-00001, ... */
    private final AtomicInteger fileNumbers;
    /** Told of each file once it is committed, for a load that follows the extract. */
    private final PartitionFeed feed;
    /** The step's attempt that writes: an abandoned one commits nothing more. */
    private final Attempt attempt;
    private final List<ManifestFile> files = new ArrayList<>();
    private String fileName;

    private ByteArrayOutputStream header; // the header line while it is being read
    private byte[] headerLine;
    private boolean inQuotes;

    private ObjectUpload upload;
    private FileDigest digest;
    private OutputStream out;
    private long fileRawBytes;
    private long fileRows;

    PartitionWriter(Partition partition, CsvFormat format, long maxFileBytes, AtomicInteger fileNumbers, PartitionFeed feed,
                    Progress progress, Attempt attempt) {
        this.attempt = attempt;
        this.partition = partition;
        this.feed = feed;
        this.fileNumbers = fileNumbers;
        this.format = format;
        this.maxFileBytes = maxFileBytes;
        this.progress = progress;
        this.header = format.header() ? new ByteArrayOutputStream() : null;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int end = off + len;
        int segmentStart = off;
        long rowsInSegment = 0;
        for (int i = off; i < end; i++) {
            byte c = b[i];
            if (c == '"') {
                inQuotes = !inQuotes;
            } else if (c == '\n' && !inQuotes) {
                if (header != null) {
                    header.write(b, segmentStart, i + 1 - segmentStart);
                    headerLine = header.toByteArray();
                    header = null;
                    segmentStart = i + 1;
                    continue;
                }
                rowsInSegment++;
                if (maxFileBytes > 0 && fileRawBytes + (i + 1 - segmentStart) >= maxFileBytes) {
                    writeToFile(b, segmentStart, i + 1 - segmentStart, rowsInSegment);
                    finishFile();
                    segmentStart = i + 1;
                    rowsInSegment = 0;
                }
            }
        }
        if (header != null) {
            header.write(b, segmentStart, end - segmentStart);
        } else if (end > segmentStart) {
            writeToFile(b, segmentStart, end - segmentStart, rowsInSegment);
        }
    }

    private void writeToFile(byte[] b, int off, int len, long rows) throws IOException {
        if (out == null) {
            startFile();
        }
        out.write(b, off, len);
        fileRawBytes += len;
        fileRows += rows;
        progress.add(rows, len);
    }

    private void startFile() throws IOException {
        fileName = format.compression().fileName(fileNumbers.getAndIncrement());
        upload = partition.store().create(partition.key(fileName));
        digest = new FileDigest();
        out = new BufferedOutputStream(format.compression().compress(digest.watch(upload)), BUFFER);
        fileRawBytes = 0;
        fileRows = 0;
        if (headerLine != null) {
            out.write(headerLine);
            fileRawBytes += headerLine.length;
        }
    }

    private void finishFile() throws IOException {
        out.close(); // flushes and finishes gzip; the upload itself stays open until commit
        attempt.ensureCurrent("committing " + partition.store().describe(partition.key(fileName)));
        upload.commit();
        upload.close();
        ManifestFile file = new ManifestFile(fileName, digest.bytes(), fileRows, digest.sha256());
        files.add(file);
        feed.committed(file);
        upload = null;
        out = null;
        fileRawBytes = 0; // the next row starts the next file's count, not a file of its own
        fileRows = 0;
    }

    /**
     * Commits the last file and returns every file written. A partition always has at least one file, so
     * an empty day is visible as such (a header-only or empty file) rather than as a missing extract.
     */
    List<ManifestFile> finish() throws IOException {
        if (inQuotes || header != null && header.size() > 0) {
            throw new IOException("COPY output ended inside a quoted value or header; the partition is incomplete");
        }
        if (header != null) {
            header = null; // a header-less empty result: nothing to repeat
        }
        if (out == null && files.isEmpty()) {
            startFile();
        }
        if (out != null) {
            finishFile();
        }
        return List.copyOf(files);
    }

    /** Discards a file being written; committed files stay until the extract replaces them. */
    @Override
    public void close() throws IOException {
        if (upload != null) {
            upload.close();
            upload = null;
            out = null;
        }
    }
}
