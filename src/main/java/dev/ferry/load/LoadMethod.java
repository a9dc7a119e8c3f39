package dev.ferry.load;

import java.util.Locale;

/** Who reads a partition's files into the warehouse. */
public enum LoadMethod {
    /** Ferry, streaming each file into {@code COPY ... FROM STDIN}. */
    COPY,
    /** The warehouse itself, through a foreign or external table over the files ({@code INSERT ... SELECT}). */
    EXTERNAL;

    public static LoadMethod parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("method '" + value + "' is not one of copy, external");
        }
    }
}
