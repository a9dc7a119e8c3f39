package dev.ferry.flow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;

/**
 * The flows folder, {@value #KEY}: job XML files that are flows by their file names, with their script files
 * beside them. The same in both runtimes; standalone it defaults to {@code ./flows} when that exists.
 */
public record FlowsFolder(Path dir) {

    /** The configuration key of the flows folder. */
    public static final String KEY = "ferry.flows.dir";

    public FlowsFolder {
        dir = dir.toAbsolutePath().normalize();
    }

    /**
     * The configured folder, which must exist; else {@code fallback} when it exists.
     *
     * @throws IllegalArgumentException naming the key when the configured folder is not there
     */
    public static Optional<FlowsFolder> from(Config config, Optional<Path> fallback) {
        Optional<String> configured = config.getOptionalValue(KEY, String.class);
        if (configured.isPresent()) {
            Path dir = Path.of(configured.get());
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException(KEY + " '" + configured.get() + "' is not a folder (" + dir.toAbsolutePath()
                        + "); create it, or set " + KEY + " to the folder of your flows' job XML files");
            }
            return Optional.of(new FlowsFolder(dir));
        }
        return fallback.filter(Files::isDirectory).map(FlowsFolder::new);
    }

    /** How JBeret finds the folder's flows. */
    public FolderJobXmlResolver resolver() {
        return new FolderJobXmlResolver(dir);
    }

    /** The flows' names: the folder's job XML files without {@code .xml}. */
    public List<String> names() {
        return resolver().getJobXmlNames(null).stream().map(f -> f.substring(0, f.length() - ".xml".length())).toList();
    }

    /** Finds a flow's script files in the folder first, as the built-in flows' are found on the class path. */
    public ClassLoader scripts(ClassLoader parent) {
        try {
            return new URLClassLoader("ferry-flows", new URL[] {dir.toUri().toURL()}, parent);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
