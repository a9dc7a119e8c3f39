package dev.ferry.server;

import dev.ferry.flow.FlowDefinitions;
import jakarta.servlet.ServletContext;
import java.io.InputStream;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/** The WAR's flows: the job XML files in its {@code WEB-INF/classes/META-INF/batch-jobs/}. */
final class DeploymentFlows implements FlowDefinitions {

    private static final String BATCH_JOBS = "/WEB-INF/classes/META-INF/batch-jobs/";

    /** Asked when needed: a @Startup bean is made before the web module's context exists. */
    private final Supplier<ServletContext> context;
    private final ClassLoader loader;

    DeploymentFlows(Supplier<ServletContext> context, ClassLoader loader) {
        this.context = context;
        this.loader = loader;
    }

    @Override
    public List<String> names() {
        Set<String> paths = context.get().getResourcePaths(BATCH_JOBS);
        return paths == null ? List.of() : paths.stream().filter(p -> p.endsWith(".xml"))
                .map(p -> p.substring(BATCH_JOBS.length(), p.length() - ".xml".length())).sorted().toList();
    }

    @Override
    public InputStream jobXml(String flow) {
        return flow.contains("/") ? null : loader.getResourceAsStream("META-INF/batch-jobs/" + flow + ".xml");
    }

    @Override
    public ClassLoader loader() {
        return loader;
    }
}
