package dev.ferry.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import software.amazon.awssdk.http.Abortable;

/**
 * Reads a stream ahead of its reader on a thread of its own, at most {@code chunks} chunks of
 * {@code chunkSize} bytes, so that a slow source (the network) and a slow reader (a COPY into PostgreSQL)
 * overlap instead of taking turns. A failure of the source reaches the reader as the same exception, after
 * the bytes read before it.
 */
final class ReadAhead extends InputStream {

    private record Chunk(byte[] bytes, int length, IOException failure) {
    }

    private static final Chunk END = new Chunk(new byte[0], -1, null);

    private final InputStream source;
    private final BlockingQueue<Chunk> chunks;
    private final Thread reader;
    private Chunk current;
    private int position;
    private volatile boolean closed;

    ReadAhead(InputStream source, int chunkSize, int chunks, String name) {
        this.source = source;
        this.chunks = new ArrayBlockingQueue<>(chunks);
        this.reader = new Thread(() -> fill(chunkSize), name);
        reader.setDaemon(true);
        reader.start();
    }

    private void fill(int chunkSize) {
        try {
            while (!closed) {
                byte[] bytes = new byte[chunkSize];
                int length = source.readNBytes(bytes, 0, chunkSize);
                if (length == 0) {
                    chunks.put(END);
                    return;
                }
                chunks.put(new Chunk(bytes, length, null));
            }
        } catch (IOException e) {
            fail(e);
        } catch (RuntimeException | Error e) {
            // Whatever ends this thread reaches the reader: a reader left waiting for a chunk would hang the load forever.
            fail(new IOException("reading ahead failed: " + e, e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closed by the reader
        }
    }

    private void fail(IOException failure) {
        try {
            chunks.put(new Chunk(new byte[0], -1, failure));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean nextChunk() throws IOException {
        if (current != null && position < current.length()) {
            return true;
        }
        if (current == END) {
            return false;
        }
        try {
            current = chunks.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading ahead");
        }
        position = 0;
        if (current.failure() != null) {
            IOException failure = current.failure();
            current = END;
            throw failure;
        }
        return current != END;
    }

    @Override
    public int read() throws IOException {
        if (!nextChunk()) {
            return -1;
        }
        return current.bytes()[position++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!nextChunk()) {
            return -1;
        }
        int n = Math.min(len, current.length() - position);
        System.arraycopy(current.bytes(), position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        reader.interrupt();
        if (current != END && source instanceof Abortable abortable) {
            abortable.abort(); // a response not read to its end: drop the connection rather than drain it
        }
        source.close();
    }
}
