package dev.ferry.load;

import java.util.Locale;

/** How a load sends the partition's rows to the server's {@code COPY}. */
public enum CopyFormat {
    /** In binary, encoded by Ferry, where it can encode every column's type; else as the files' CSV. */
    AUTO,
    /** As the files' CSV, parsed by the server. */
    CSV;

    public static CopyFormat parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("copyFormat '" + value + "' is not one of auto, csv");
        }
    }
}
