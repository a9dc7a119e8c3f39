package dev.ferry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** A {@code --config} file for a test, written the way a user writes one. */
public final class FerryConfigFile {

    private final Map<String, String> entries = new LinkedHashMap<>();

    public FerryConfigFile set(String key, String value) {
        entries.put(key, value);
        return this;
    }

    public FerryConfigFile remove(String key) {
        entries.remove(key);
        return this;
    }

    public FerryConfigFile database(String name, String url) {
        return set("ferry.db." + name + ".url", url).set("ferry.db." + name + ".user", "postgres");
    }

    public FerryConfigFile s3Store(S3Server s3, String bucket) {
        return set("ferry.store.url", "s3://" + bucket + "/staging")
                .set("ferry.store.s3.endpoint", s3.endpoint())
                .set("ferry.store.s3.access-key", S3Server.ACCESS_KEY)
                .set("ferry.store.s3.secret-key", S3Server.SECRET_KEY)
                .set("ferry.store.s3.path-style", "true");
    }

    public Path writeTo(Path dir) {
        Path file = dir.resolve("ferry-" + System.nanoTime() + ".properties");
        String text = entries.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().replace("\\", "\\\\"))
                .collect(Collectors.joining("\n"));
        try {
            Files.writeString(file, text + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
