package dev.ferry.partition;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Size and SHA-256 of a data file's stored bytes, taken while they stream: the extract records them in
 * the manifest, the load recomputes them and refuses a file that differs.
 */
public final class FileDigest {

    private final MessageDigest sha256;
    private long bytes;
    private String hex;

    public FileDigest() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    public long bytes() {
        return bytes;
    }

    /** The lower-case hex SHA-256 of {@code bytes}. */
    public static String sha256(byte[] bytes) {
        FileDigest digest = new FileDigest();
        digest.update(bytes, 0, bytes.length);
        return digest.sha256();
    }

    /** Lower-case hex SHA-256 of everything that passed; call once all bytes have. */
    public String sha256() {
        if (hex == null) {
            hex = HexFormat.of().formatHex(sha256.digest());
        }
        return hex;
    }

    private void update(byte[] b, int off, int len) {
        sha256.update(b, off, len);
        bytes += len;
    }

    /** Digests what is written; closing it does not close {@code out}. */
    public OutputStream watch(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                update(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }

    /** Digests what is read. */
    public InputStream watch(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, len);
                if (n > 0) {
                    update(b, off, n);
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                return read(new byte[(int) Math.min(n, 8192)], 0, (int) Math.min(n, 8192));
            }

            @Override
            public boolean markSupported() {
                return false;
            }
        };
    }
}
