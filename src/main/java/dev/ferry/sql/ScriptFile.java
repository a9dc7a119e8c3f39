package dev.ferry.sql;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Where a step's {@code scriptFile} is found: a file path first, then a resource on the class path. */
public final class ScriptFile {

    private ScriptFile() {
    }

    /** The script's text (UTF-8), or empty when it is neither a file nor a class path resource. */
    public static Optional<String> read(String location, ClassLoader loader) throws IOException {
        Path path = Path.of(location);
        if (Files.isRegularFile(path)) {
            return Optional.of(Files.readString(path, StandardCharsets.UTF_8));
        }
        try (InputStream in = loader == null ? null : loader.getResourceAsStream(location)) {
            return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** What to say when {@link #read} found nothing. */
    public static String notFound(String location) {
        return "'" + location + "' is neither a file (looked in " + Path.of(location).toAbsolutePath() + ") nor a resource on the class path";
    }
}
