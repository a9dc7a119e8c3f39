package dev.ferry.standalone;

import dev.ferry.schedule.Schedule;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;

/**
 * Ferry's configuration when it runs on its own. Highest first: system properties, environment variables
 * ({@code FERRY_DB_SOURCE_URL} for {@code ferry.db.source.url}), the {@code --config} file,
 * {@code ./ferry.properties}, built-in defaults. In WildFly the server's MicroProfile Config answers the
 * same keys.
 */
public final class StandaloneConfig {

    static final int CONFIG_FILE_ORDINAL = 275;   // below environment (300), above ./ferry.properties
    static final int WORKING_DIR_FILE_ORDINAL = 260;
    static final int EMBEDDED_ORDINAL = 150;         // below everything a user configures
    static final String WORKING_DIR_FILE = "ferry.properties";

    private StandaloneConfig() {
    }

    public static Config load(Optional<Path> configFile) {
        return load(configFile, Path.of(""));
    }

    static Config load(Optional<Path> configFile, Path workingDir) {
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder().addDefaultSources().addDefaultInterceptors();
        configFile.ifPresent(file -> {
            if (Files.isDirectory(file)) {
                throw new IllegalArgumentException("--config " + file + " is a folder: give the properties file in it, e.g. "
                        + file.resolve("ferry.properties"));
            }
            if (!Files.isReadable(file)) {
                throw new IllegalArgumentException("--config " + file + ": no such readable file");
            }
            builder.withSources(source(file, CONFIG_FILE_ORDINAL));
        });
        Path local = workingDir.resolve(WORKING_DIR_FILE);
        if (Files.isReadable(local)) {
            builder.withSources(source(local, WORKING_DIR_FILE_ORDINAL));
        }
        Config config = builder.build();
        Optional<EmbeddedServer> embedded = EmbeddedServer.wantedBy(config);
        if (embedded.isEmpty()) {
            return config;
        }
        // No database server is named: the embedded one is the default (started by the runtime when needed).
        return builder.withSources(new PropertiesConfigSource(embedded.get().settings(), EmbeddedServer.SOURCE, EMBEDDED_ORDINAL))
                .build();
    }

    public static ZoneId timezone(Config config) {
        return Schedule.defaultZone(config);
    }

    private static PropertiesConfigSource source(Path file, int ordinal) {
        try {
            return new PropertiesConfigSource(file.toAbsolutePath().toUri().toURL(), ordinal);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
