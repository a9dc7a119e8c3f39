package dev.ferry.schedule;

import java.util.Locale;

/** What a scheduler does with fire times it missed while it was not running. */
public enum MisfirePolicy {
    /** Run every missed business date, oldest first: a skipped day is a hole in the warehouse. The default. */
    CATCH_UP,
    /** Run only the newest missed business date. */
    LATEST,
    /** Run none of them. */
    SKIP;

    public static MisfirePolicy parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("misfire policy '" + value + "' is not one of catch-up, latest, skip");
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
