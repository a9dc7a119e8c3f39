package dev.ferry.warehouse;

/**
 * A statement a dialect runs, and how it is shown (try-run, logs, errors): the same text with credentials masked.
 *
 * @param text  what runs; may hold a key, so it is never logged or put in a message
 * @param shown what a person may see
 */
public record Sql(String text, String shown) {

    /** A statement that holds nothing secret. */
    public static Sql of(String text) {
        return new Sql(text, text);
    }

    @Override
    public String toString() {
        return shown;
    }
}
