package dev.ferry.standalone;

import dev.ferry.config.Settings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;

/**
 * The standalone default when the configuration names no database server (no {@code ferry.db.*.url}, no
 * {@code ferry.repository.url}): a PostgreSQL 15 that Ferry starts itself from the binaries in its jar, with
 * its data in {@code ferry-data/postgres}. It is started when a command first needs a database and keeps
 * running for the next command, which reuses it; {@code ferry embedded stop} stops it.
 *
 * @param dir  its data directory ({@code ferry.embedded.dir})
 * @param port the port it listens on, on 127.0.0.1 only ({@code ferry.embedded.port})
 */
record EmbeddedServer(Path dir, int port) {

    private static final Logger LOG = Logger.getLogger(EmbeddedServer.class.getName());
    static final String DIR_KEY = "ferry.embedded.dir";
    static final String PORT_KEY = "ferry.embedded.port";
    static final String DEFAULT_DIR = "ferry-data/postgres";
    static final int DEFAULT_PORT = 54329;

    /** The name of the configuration source that points Ferry's databases at it. */
    static final String SOURCE = "ferry embedded PostgreSQL";

    /** The embedded server that a configuration wants: one that names no database server. */
    static Optional<EmbeddedServer> wantedBy(Config config) {
        for (String key : config.getPropertyNames()) {
            String dotted = key.toLowerCase(java.util.Locale.ROOT).replace('_', '.');
            if (dotted.startsWith("ferry.db.") && dotted.endsWith(".url") || dotted.equals("ferry.repository.url")) {
                return Optional.empty();
            }
        }
        return Optional.of(at(config));
    }

    /** The embedded server that a loaded configuration uses, if it does. */
    static Optional<EmbeddedServer> usedBy(Config config) {
        String source = config.getConfigValue("ferry.repository.url").getSourceName();
        return source != null && source.contains(SOURCE) ? Optional.of(at(config)) : Optional.empty();
    }

    private static EmbeddedServer at(Config config) {
        Path dir = Path.of(config.getOptionalValue(DIR_KEY, String.class).orElse(DEFAULT_DIR)).toAbsolutePath().normalize();
        return new EmbeddedServer(dir, Settings.wholeNumber(config, PORT_KEY, DEFAULT_PORT, 1024, 65_535));
    }

    /** The settings that point Ferry's databases at it: the demo's source and warehouse, and the job repository. */
    Map<String, String> settings() {
        return Map.of("ferry.db.source.url", url("ferry_demo_src"), "ferry.db.warehouse.url", url("ferry_demo_dst"),
                "ferry.repository.url", url("ferry"));
    }

    String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /**
     * Whether it answers now. A server on its port whose data directory is another's (the embedded server
     * of another working directory) is not it, and is not used.
     *
     * @throws IllegalStateException when another PostgreSQL holds the port
     */
    boolean running() {
        Properties login = new Properties();
        login.setProperty("user", "postgres");
        login.setProperty("connectTimeout", "2");
        String serving;
        try (Connection connection = DriverManager.getConnection(url("postgres"), login);
             var show = connection.createStatement().executeQuery("SHOW data_directory")) {
            show.next();
            serving = show.getString(1);
        } catch (SQLException e) {
            return false;
        }
        if (!Path.of(serving).toAbsolutePath().normalize().equals(dir)) {
            throw new IllegalStateException("port " + port + " is taken by another PostgreSQL (its data in " + serving + "), not this"
                    + " working directory's embedded one (" + dir + "); set " + PORT_KEY + " to a free port, or stop that server");
        }
        return true;
    }

    /** Reuses the server when it runs; otherwise starts it (the first time with initdb) and leaves it running. */
    void ensureRunning() {
        if (running()) {
            return;
        }
        boolean first = !Files.exists(dir.resolve("PG_VERSION"));
        LOG.info(() -> "starting the embedded PostgreSQL on 127.0.0.1:" + port + ", data in " + dir
                + (first ? " (first start: initdb takes a few seconds)" : ""));
        try {
            Files.createDirectories(dir.getParent());
            Path log = dir.resolveSibling("postgres.log");
            EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(false).setRegisterShutdownHook(false)
                    .setPort(port).setServerConfig("listen_addresses", "127.0.0.1").setPGStartupWait(Duration.ofSeconds(120))
                    .setOutputRedirector(Redirect.appendTo(log.toFile())).setErrorRedirector(Redirect.appendTo(log.toFile()))
                    .start(); // not closed: the server outlives this command, for the next one
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot start the embedded PostgreSQL on port " + port + " (data in " + dir + "): "
                    + e.getMessage() + "; see " + dir.resolveSibling("postgres.log") + ", set " + PORT_KEY + " to a free port, or"
                    + " name your own server with ferry.db.NAME.url and ferry.repository.url", e);
        }
    }

    /** Stops it when it runs: a smart shutdown of its postmaster; returns whether it ran. */
    boolean stop() {
        Path pidFile = dir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return false;
        }
        long pid;
        try {
            List<String> lines = Files.readAllLines(pidFile);
            pid = Long.parseLong(lines.get(0).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + pidFile + ": " + e.getMessage(), e);
        }
        Optional<ProcessHandle> postmaster = ProcessHandle.of(pid);
        if (postmaster.isEmpty()) {
            return false;
        }
        postmaster.get().destroy();
        postmaster.get().onExit().orTimeout(60, java.util.concurrent.TimeUnit.SECONDS).join();
        return true;
    }
}
