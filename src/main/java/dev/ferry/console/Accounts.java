package dev.ferry.console;

import java.util.Optional;

/**
 * Checks a console user's password: standalone against the configured Argon2 hashes, in the WAR against
 * the server's security domain (Elytron).
 */
public interface Accounts {

    /** The account, when the password is right and the user has a console role; otherwise empty. */
    Optional<Account> authenticate(String user, String password);
}
