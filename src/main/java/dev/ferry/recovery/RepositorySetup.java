package dev.ferry.recovery;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Setting up the job repository's tables, one process at a time. {@code CREATE TABLE IF NOT EXISTS} is not safe
 * against itself: two nodes starting at the same moment on a new repository both create the table's row type, and
 * the second dies with {@code duplicate key value violates unique constraint "pg_type_typname_nsp_index"}. A
 * session-level advisory lock around the set-up makes the second wait and then find the tables there.
 */
public final class RepositorySetup {

    /** The lock's key: "FRRYTBLS", Ferry's tables. */
    private static final long LOCK = 0x4652525954424C53L;

    /** Work that sets up tables. */
    @FunctionalInterface
    public interface Work<T, E extends Exception> {
        T run() throws E;
    }

    private RepositorySetup() {
    }

    /** Runs {@code work} while no other process sets up the repository's tables. */
    public static <T, E extends Exception> T exclusively(DataSource repository, Work<T, E> work) throws SQLException, E {
        try (Connection lock = repository.getConnection(); Statement s = lock.createStatement()) {
            s.execute("SELECT pg_advisory_lock(" + LOCK + ")");
            try {
                return work.run();
            } finally {
                s.execute("SELECT pg_advisory_unlock(" + LOCK + ")");
            }
        }
    }
}
