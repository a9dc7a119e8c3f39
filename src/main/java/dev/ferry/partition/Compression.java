package dev.ferry.partition;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** How data files are compressed in the store. */
public enum Compression {
    NONE(".csv"),
    GZIP(".csv.gz");

    private static final int BUFFER = 64 * 1024;
    private final String extension;

    Compression(String extension) {
        this.extension = extension;
    }

    public static Compression parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("compression '" + value + "' is not one of none, gzip");
        }
    }

    public String fileName(int part) {
        return String.format("part-%05d%s", part, extension);
    }

    public OutputStream compress(OutputStream out) throws IOException {
        return this == GZIP ? new GZIPOutputStream(out, BUFFER) : out;
    }

    public InputStream decompress(InputStream in) throws IOException {
        return this == GZIP ? new GZIPInputStream(in, BUFFER) : in;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
