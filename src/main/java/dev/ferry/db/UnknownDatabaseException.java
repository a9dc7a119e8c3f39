package dev.ferry.db;

import java.util.Set;

/** A step names a database that is not configured. */
public class UnknownDatabaseException extends IllegalArgumentException {
    public UnknownDatabaseException(String name, Set<String> known, String howToAdd) {
        super("no database named '" + name + "'; configured: " + (known.isEmpty() ? "none" : String.join(", ", known))
                + ". " + howToAdd);
    }
}
