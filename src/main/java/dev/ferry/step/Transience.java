package dev.ferry.step;

import dev.ferry.db.DatabaseUnavailableException;
import dev.ferry.store.StoreUnavailableException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.util.Set;

/**
 * Which failures are worth another attempt: a lost or refused database connection, a store that answered
 * 5xx or not at all, a timed-out step. Everything else (SQL errors, refused loads, bad properties) fails
 * at once, since running it again would fail again.
 */
final class Transience {

    private static final Set<String> TRANSIENT_STATES = Set.of("57P01", "57P02", "57P03", "40001", "40P01", "53300");

    private Transience() {
    }

    static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof StepTimeoutException || t instanceof DatabaseUnavailableException || t instanceof StoreUnavailableException
                    || t instanceof ConnectException || t instanceof SocketTimeoutException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || TRANSIENT_STATES.contains(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }
}
