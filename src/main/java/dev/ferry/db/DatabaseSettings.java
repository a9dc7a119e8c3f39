package dev.ferry.db;

import dev.ferry.config.Secret;
import dev.ferry.config.Settings;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.Config;

/**
 * One {@code ferry.db.NAME.*} entry.
 *
 * @param connectTimeout how long to wait for a connection before failing ({@code ferry.db.NAME.connect-timeout}, seconds)
 * @param poolSize       connections kept at most ({@code ferry.db.NAME.pool-size})
 */
public record DatabaseSettings(String name, String url, String user, Secret password, Duration connectTimeout,
                               int poolSize) {

    private static final Pattern PASSWORD_IN_URL = Pattern.compile("(?i)(password=)[^&]*");

    /** Built-in defaults so that {@code ferry demo} runs against a local PostgreSQL with no configuration. */
    static String defaultUrl(String name) {
        return switch (name) {
            case "source" -> "jdbc:postgresql://127.0.0.1:5432/ferry_demo_src";
            case "warehouse" -> "jdbc:postgresql://127.0.0.1:5432/ferry_demo_dst";
            default -> null;
        };
    }

    /** The database called {@code name} from {@code ferry.db.NAME.*}, or empty when it is not configured. */
    public static Optional<DatabaseSettings> from(Config config, String name) {
        return read(config, name, "ferry.db." + name + ".", defaultUrl(name));
    }

    /** JBeret's job repository, {@code ferry.repository.*}: by default database {@code ferry} on the local server. */
    public static DatabaseSettings repository(Config config) {
        return read(config, "repository", "ferry.repository.", "jdbc:postgresql://127.0.0.1:5432/ferry").orElseThrow();
    }

    private static Optional<DatabaseSettings> read(Config config, String name, String prefix, String defaultUrl) {
        Optional<String> url = config.getOptionalValue(prefix + "url", String.class).or(() -> Optional.ofNullable(defaultUrl));
        return url.map(u -> new DatabaseSettings(name, u,
                config.getOptionalValue(prefix + "user", String.class).orElse("postgres"),
                Secret.of(config.getOptionalValue(prefix + "password", String.class).orElse("")),
                Duration.ofSeconds(Settings.wholeNumber(config, prefix + "connect-timeout", 30, 1, 3600)),
                Settings.wholeNumber(config, prefix + "pool-size", 4, 1, 1000)));
    }

    /** The URL with any {@code password=} parameter masked, for messages. */
    public String safeUrl() {
        return PASSWORD_IN_URL.matcher(url).replaceAll("$1****");
    }

    @Override
    public String toString() {
        return "database '" + name + "' (" + safeUrl() + ", user " + user + ")";
    }
}
