package dev.ferry.db;

/** A configured database cannot be reached or refuses the login. */
public class DatabaseUnavailableException extends RuntimeException {
    public DatabaseUnavailableException(String message) {
        super(message);
    }
}
