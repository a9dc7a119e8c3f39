package dev.ferry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test class's {@code @BeforeAll} method the databases its tests work on, made for that class and
 * dropped after its last test: a {@link Pipeline} (source, warehouse and job repository databases, a store
 * folder and the config file tying them together) or bare {@link Postgres} databases.
 *
 * <pre>{@code
 * @ExtendWith(PerClassDatabases.class)
 * class PurgeTest {
 *     static Pipeline pipeline;
 *
 *     @BeforeAll
 *     static void setUp(Pipeline created) {
 *         pipeline = created;
 *     }
 * }</pre>
 */
public final class PerClassDatabases implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PerClassDatabases.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return (type == Pipeline.class || type == Postgres.class) && parameter.getDeclaringExecutable().isAnnotationPresent(BeforeAll.class);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        if (parameter.getParameter().getType() == Postgres.class) {
            return store.getOrComputeIfAbsent(Postgres.class, k -> new Postgres(), Postgres.class);
        }
        Pipeline existing = store.get(Pipeline.class, Pipeline.class);
        return existing != null ? existing : store.getOrComputeIfAbsent(Pipeline.class, k -> new Pipeline(folder(store)), Pipeline.class);
    }

    /** A folder for the class's store and config files, removed with the databases. */
    private static Path folder(ExtensionContext.Store store) {
        try {
            Path dir = Files.createTempDirectory("ferry-test-");
            store.put(Path.class, (AutoCloseable) () -> {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            });
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
