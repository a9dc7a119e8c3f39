package dev.ferry.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.Config;

/** Standalone databases: one HikariCP pool per name, opened on first use. */
public final class PooledDatabases implements Databases {

    private static final Pattern URL_KEY = Pattern.compile("ferry\\.db\\.([^.]+)\\.url");
    private static final Pattern URL_ENV = Pattern.compile("FERRY_DB_([A-Z0-9_]+)_URL");

    private final Config config;
    private final Set<String> names;
    private final Map<String, HikariDataSource> pools = new ConcurrentHashMap<>();

    public PooledDatabases(Config config) {
        this.config = config;
        this.names = configuredNames(config);
        names.forEach(name -> DatabaseSettings.from(config, name)); // a bad setting fails now, naming its key, not in a step
    }

    private static Set<String> configuredNames(Config config) {
        Set<String> found = new TreeSet<>(Set.of("source", "warehouse"));
        for (String key : config.getPropertyNames()) {
            Matcher m = URL_KEY.matcher(key);
            if (m.matches()) {
                found.add(m.group(1));
            }
            Matcher env = URL_ENV.matcher(key);
            if (env.matches()) {
                found.add(env.group(1).toLowerCase(java.util.Locale.ROOT));
            }
        }
        return found;
    }

    @Override
    public Connection connect(String name) {
        DatabaseSettings db = DatabaseSettings.from(config, name).orElseThrow(() -> new UnknownDatabaseException(name, names,
                "Add ferry.db." + name + ".url (and .user, .password) to the configuration"));
        HikariDataSource pool = pools.computeIfAbsent(name, n -> {
            refuseWrongLogin(db);
            return pool(db);
        });
        try {
            return pool.getConnection();
        } catch (SQLException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new DatabaseUnavailableException("cannot connect to " + db + ": " + db.password().scrub(cause.getMessage())
                    + " Check ferry.db." + name + ".url, .user and .password, and that the server is up");
        }
    }

    /**
     * One plain login before the pool is made: a pool would try a refused login, or a port where nothing listens,
     * again and again until its connect timeout (30 s and a dozen attempts), where one attempt says all there is to say.
     */
    static void refuseWrongLogin(DatabaseSettings db) {
        Properties login = new Properties();
        login.setProperty("user", db.user());
        login.setProperty("password", db.password().reveal());
        login.setProperty("connectTimeout", Long.toString(db.connectTimeout().toSeconds()));
        try (Connection probe = DriverManager.getConnection(db.url(), login)) {
            // logged in: the pool takes it from here
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("28")) {
                throw new LoginRefusedException(db + " refused the login: " + db.password().scrub(e.getMessage()) + " Check ferry.db."
                        + db.name() + ".user and .password (not retried: it would be refused again)");
            }
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof java.net.ConnectException || t instanceof java.net.UnknownHostException) {
                    // Nothing listens there (a wrong port or host): the pool would only wait out its timeout to say so.
                    throw new DatabaseUnavailableException("cannot connect to " + db + ": " + db.password().scrub(e.getMessage())
                            + " Check ferry.db." + db.name() + ".url, and that the server is up");
                }
            }
            // anything else (a server that does not answer yet, a network) is the pool's to wait for and report
        }
    }

    /** A pool for one database; it connects on first use. */
    public static HikariDataSource pool(DatabaseSettings db) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("ferry-" + db.name());
        config.setJdbcUrl(db.url());
        config.setUsername(db.user());
        config.setPassword(db.password().reveal());
        config.setMaximumPoolSize(db.poolSize());
        config.setMinimumIdle(0);
        config.setConnectionTimeout(db.connectTimeout().toMillis());
        config.setInitializationFailTimeout(-1); // connect on first use, fail there with a clear message
        config.setAutoCommit(true);
        return new HikariDataSource(config);
    }

    @Override
    public void discard(Connection connection) {
        // Any pool evicts the connection from the pool it came from.
        pools.values().stream().findFirst().ifPresent(pool -> pool.evictConnection(connection));
    }

    @Override
    public int spare(String name) {
        HikariDataSource pool = pools.get(name);
        if (pool == null || pool.getHikariPoolMXBean() == null) {
            return 0;
        }
        return pool.getMaximumPoolSize() - pool.getHikariPoolMXBean().getActiveConnections();
    }

    @Override
    public Set<String> names() {
        return names;
    }

    @Override
    public void close() {
        pools.values().forEach(HikariDataSource::close);
        pools.clear();
    }
}
