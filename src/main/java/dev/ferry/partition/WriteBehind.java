package dev.ferry.partition;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Hands written bytes to a thread of its own that writes them to {@code target}, so that reading from the
 * database and writing (scanning, digesting, compressing, storing) run at the same time. Memory stays at
 * {@code depth} buffers of {@code bufferSize} bytes; a failure of the writer surfaces on the next write or
 * on close.
 */
public final class WriteBehind extends OutputStream {

    private static final byte[] END = new byte[0];

    private final BlockingQueue<byte[]> queue;
    private final Thread writer;
    private final int bufferSize;
    private byte[] buffer;
    private int filled;
    private volatile Throwable failure;
    private boolean closed;

    public WriteBehind(OutputStream target, int bufferSize, int depth, String name) {
        this.bufferSize = bufferSize;
        this.buffer = new byte[bufferSize];
        this.queue = new ArrayBlockingQueue<>(depth);
        this.writer = new Thread(() -> drain(target), name);
        writer.setDaemon(true);
        writer.start();
    }

    private void drain(OutputStream target) {
        try {
            while (true) {
                byte[] chunk = queue.take();
                if (chunk == END) {
                    return;
                }
                target.write(chunk);
            }
        } catch (Throwable e) {
            failure = e;
            queue.clear(); // unblock a producer waiting for room
        }
    }

    @Override
    public void write(int b) throws IOException {
        if (filled == bufferSize) {
            handOver();
        }
        buffer[filled++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (filled == bufferSize) {
                handOver();
            }
            int n = Math.min(len, bufferSize - filled);
            System.arraycopy(b, off, buffer, filled, n);
            filled += n;
            off += n;
            len -= n;
        }
    }

    private void handOver() throws IOException {
        byte[] chunk = filled == bufferSize ? buffer : Arrays.copyOf(buffer, filled);
        put(chunk);
        buffer = new byte[bufferSize];
        filled = 0;
    }

    private void put(byte[] chunk) throws IOException {
        checkWriter();
        try {
            while (!queue.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
                checkWriter();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing");
        }
    }

    private void checkWriter() throws IOException {
        Throwable e = failure;
        if (e instanceof IOException io) {
            throw io;
        }
        if (e instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (e != null) {
            throw new IOException(e);
        }
    }

    /** Writes what is buffered and waits until the writer has written everything. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (filled > 0) {
            handOver();
        }
        put(END);
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while finishing a write");
        }
        checkWriter();
    }

    /**
     * Stops the writer without finishing, for a failed extract whose output is thrown away, and waits for
     * it, so that nothing writes to the target once this returns.
     */
    public void abandon() {
        closed = true;
        writer.interrupt();
        boolean interrupted = false;
        while (writer.isAlive()) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
