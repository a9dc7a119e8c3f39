package dev.ferry.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Creates a PostgreSQL database when it does not exist yet: it connects to the database first and, only when the server
 * says it does not exist (SQLState 3D000), creates it through the server's {@code postgres} database.
 */
public final class DatabaseBootstrap {

    private static final Pattern URL = Pattern.compile("(jdbc:postgresql://[^/]*/)([^?]+)(\\?.*)?");

    private DatabaseBootstrap() {
    }

    /** @return whether the database had to be created */
    public static boolean createIfAbsent(DatabaseSettings db) {
        Matcher m = URL.matcher(db.url());
        if (!m.matches()) {
            throw new IllegalArgumentException(db + ": cannot tell the database name from the URL; "
                    + "write jdbc:postgresql://HOST:PORT/DATABASE");
        }
        String name = m.group(2);
        String maintenance = m.group(1) + "postgres" + (m.group(3) == null ? "" : m.group(3));
        Properties login = new Properties();
        login.setProperty("user", db.user());
        if (!db.password().isEmpty()) {
            login.setProperty("password", db.password().reveal());
        }
        login.setProperty("connectTimeout", String.valueOf(Math.max(1, db.connectTimeout().toSeconds())));
        // The database itself first: a user who may connect only to it (no CONNECT on postgres) is the usual case.
        try (Connection ignored = DriverManager.getConnection(db.url(), login)) {
            return false;
        } catch (SQLException e) {
            if (!"3D000".equals(e.getSQLState())) { // anything but "database does not exist" is the answer
                throw new DatabaseUnavailableException("cannot connect to " + db + ": " + db.password().scrub(e.getMessage()));
            }
        }
        try (Connection connection = DriverManager.getConnection(maintenance, login);
             PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, name);
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                    return false;
                }
            }
            try (Statement create = connection.createStatement()) {
                create.execute("CREATE DATABASE \"" + name.replace("\"", "\"\"") + "\"");
            } catch (SQLException e) {
                if (!"42P04".equals(e.getSQLState())) { // created meanwhile by another process
                    throw e;
                }
            }
            return true;
        } catch (SQLException e) {
            throw new DatabaseUnavailableException(db + " does not exist and cannot be created through the server's postgres"
                    + " database: " + db.password().scrub(e.getMessage()) + "; create it (CREATE DATABASE " + name + ") or let its user"
                    + " connect to postgres with CREATEDB");
        }
    }
}
