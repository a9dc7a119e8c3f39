package dev.ferry.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import javax.naming.InitialContext;
import javax.naming.NameClassPair;
import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.sql.DataSource;

/**
 * Databases in an application server: the database called NAME is the datasource bound at
 * {@code PREFIX + NAME}, by default {@code java:jboss/datasources/ferry/NAME}; the server pools it.
 */
public final class JndiDatabases implements Databases {

    public static final String DEFAULT_PREFIX = "java:jboss/datasources/ferry/";

    private final String prefix;

    public JndiDatabases(String prefix) {
        this.prefix = prefix.endsWith("/") ? prefix : prefix + "/";
    }

    @Override
    public Connection connect(String name) {
        DataSource dataSource;
        try {
            dataSource = (DataSource) new InitialContext().lookup(prefix + name);
        } catch (NameNotFoundException e) {
            throw new UnknownDatabaseException(name, names(), "Add a datasource bound at " + prefix + name
                    + " (server-config/wildfly/ferry.cli shows how)");
        } catch (NamingException | ClassCastException e) {
            throw new DatabaseUnavailableException("cannot look up the datasource of database '" + name + "' at " + prefix + name
                    + ": " + e.getMessage());
        }
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new DatabaseUnavailableException("cannot connect to database '" + name + "' (datasource " + prefix + name + "): "
                    + cause.getMessage() + " Check the datasource's connection URL and credentials, and that the server is up");
        }
    }

    @Override
    public void discard(Connection connection) {
        try {
            connection.unwrap(Connection.class).abort(Runnable::run); // the server's pool drops a connection whose socket is gone
        } catch (SQLException | RuntimeException e) {
            // already closed, or the pool does not let go of it: its own validation decides
        }
    }

    /** The server's pool decides; its size is set on the datasource (WildFly's default maximum is 20). */
    @Override
    public int spare(String name) {
        return Integer.MAX_VALUE;
    }

    @Override
    public Set<String> names() {
        Set<String> names = new TreeSet<>();
        try {
            NamingEnumeration<NameClassPair> bound = new InitialContext().list(prefix.substring(0, prefix.length() - 1));
            while (bound.hasMore()) {
                names.add(bound.next().getName());
            }
        } catch (NamingException e) {
            return Collections.emptySet();
        }
        return names;
    }

    @Override
    public void close() {
        // the server owns the pools
    }
}
