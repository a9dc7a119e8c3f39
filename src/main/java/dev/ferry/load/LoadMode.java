package dev.ferry.load;

import java.util.Locale;

/** What happens to the rows already in the target before the partition's rows go in. */
public enum LoadMode {
    /** Delete the rows matched by {@code replaceWhere} (the business date's rows), then load. */
    REPLACE,
    /** Keep every row; load on top. A rerun duplicates rows. */
    APPEND,
    /** Empty the table, then load. */
    TRUNCATE,
    /** Load into a staging table shaped like the date's partition, then swap it in for that partition. */
    EXCHANGE;

    public static LoadMode parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("mode '" + value + "' is not one of replace, append, truncate, exchange");
        }
    }
}
