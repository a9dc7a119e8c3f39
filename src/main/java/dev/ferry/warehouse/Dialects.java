package dev.ferry.warehouse;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The dialect of a warehouse: the one {@code ferry.db.NAME.dialect} names, else the one its {@code version()} tells. */
public final class Dialects {

    public static final List<String> NAMES = List.of("postgresql", "greenplum", "greenplum6", "greenplum7", "cloudberry", "adb6", "adb7");

    private Dialects() {
    }

    /** @throws IllegalArgumentException naming the setting and the dialects there are */
    public static Dialect named(String name, String key) {
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "postgresql", "postgres" -> new PostgresDialect();
            case "greenplum" -> new GreenplumDialect("greenplum");
            case "greenplum6" -> new GreenplumDialect("greenplum6");
            case "greenplum7" -> new GreenplumDialect("greenplum7");
            case "cloudberry" -> new GreenplumDialect("cloudberry");
            case "adb6" -> new AnalyticDbDialects.V6();
            case "adb7" -> new AnalyticDbDialects.V7();
            default -> throw new IllegalArgumentException(key + " is '" + name + "', which is none of " + String.join(", ", NAMES));
        };
    }

    /** The configured dialect, when {@code ferry.db.NAME.dialect} is set. */
    public static Optional<Dialect> configured(WarehouseSettings settings) {
        return settings.dialect().map(name -> named(name, settings.key("dialect")));
    }

    /** The configured dialect, else the one the warehouse's {@code version()} names. */
    public static Dialect of(Connection connection, WarehouseSettings settings) throws SQLException {
        Optional<Dialect> configured = configured(settings);
        if (configured.isPresent()) {
            return configured.get();
        }
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT version()")) {
            rs.next();
            return fromVersion(rs.getString(1));
        }
    }

    /**
     * From a {@code version()} text: AnalyticDB and Cloudberry name themselves, Greenplum says "Greenplum Database N"
     * (AnalyticDB 6 and 7 are Greenplum 6 and 7 inside); anything else is PostgreSQL.
     */
    static Dialect fromVersion(String version) {
        String v = version.toLowerCase(Locale.ROOT);
        if (v.contains("analyticdb")) {
            return v.contains("greenplum database 6") ? new AnalyticDbDialects.V6() : new AnalyticDbDialects.V7();
        }
        if (v.contains("cloudberry")) {
            return new GreenplumDialect("cloudberry");
        }
        if (v.contains("greenplum database 6")) {
            return new GreenplumDialect("greenplum6");
        }
        if (v.contains("greenplum database 7")) {
            return new GreenplumDialect("greenplum7");
        }
        if (v.contains("greenplum")) {
            return new GreenplumDialect("greenplum");
        }
        return new PostgresDialect();
    }
}
