package dev.ferry.db;

/**
 * A database refused Ferry's login (SQLState class 28: wrong user or password): asking again would fail
 * again, so this is never retried, unlike {@link DatabaseUnavailableException}.
 */
public final class LoginRefusedException extends RuntimeException {

    public LoginRefusedException(String message) {
        super(message);
    }
}
