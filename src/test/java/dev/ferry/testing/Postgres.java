package dev.ferry.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Databases of one test class on the local PostgreSQL server (127.0.0.1:5432, trust auth), each with a
 * unique name; {@link #close()} drops them all.
 */
public final class Postgres implements AutoCloseable {

    public static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    private final String tag = UUID.randomUUID().toString().substring(0, 8);
    private final List<String> created = new ArrayList<>();

    /** Creates a fresh database and returns its JDBC URL. */
    public String createDatabase(String purpose) {
        String name = "ferry_test_" + purpose + "_" + tag;
        admin("CREATE DATABASE " + name);
        created.add(name);
        return SERVER + name;
    }

    public static Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(url, "postgres", "");
    }

    public static void execute(String url, String... statements) {
        try (Connection c = connect(url); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    public static long count(String url, String query) {
        try (Connection c = connect(url); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The first column of the first row of {@code query}, as text. */
    public static String text(String url, String query) {
        try (Connection c = connect(url); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    public static boolean tableExists(String url, String table) {
        return count(url, "SELECT count(*) FROM pg_tables WHERE tablename = '" + table + "'") > 0;
    }

    private static void admin(String sql) {
        execute(SERVER + "postgres", sql);
    }

    @Override
    public void close() {
        for (String name : created) {
            admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
        created.clear();
    }
}
