package dev.ferry.db;

import java.sql.Connection;
import java.util.Set;

/**
 * The named databases that steps bind to ({@code database="source"}). Standalone, each name is a
 * connection pool built from {@code ferry.db.NAME.*}; in the WAR, a JNDI datasource.
 */
public interface Databases extends AutoCloseable {

    /**
     * A connection to the database called {@code name}; the caller closes it.
     *
     * @throws UnknownDatabaseException when no database has that name
     * @throws DatabaseUnavailableException when it cannot be reached; the message names the database, never its password
     */
    Connection connect(String name);

    /**
     * Takes a connection that a failed attempt may have left broken (a COPY cut off mid-stream, a lost
     * backend) out of use, so that a retry gets a healthy one. The connection may be closed already.
     */
    void discard(Connection connection);

    /**
     * How many more connections to {@code name} can be had now without waiting for one to be returned: an
     * extract takes no more parallel streams than that, rather than waiting out the pool's timeout.
     */
    int spare(String name);

    /** The names that are configured, for error messages. */
    Set<String> names();

    @Override
    void close();
}
