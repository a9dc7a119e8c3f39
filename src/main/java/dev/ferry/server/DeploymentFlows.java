package dev.ferry.server;

import dev.ferry.flow.FlowDefinitions;
import dev.ferry.flow.FlowsFolder;
import jakarta.servlet.ServletContext;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The WAR's flows: the job XML files of the flows folder ({@code ferry.flows.dir}), then those in its
 * {@code WEB-INF/classes/META-INF/batch-jobs/}; a flow's script files beside it in the folder.
 */
final class DeploymentFlows implements FlowDefinitions {

    private static final String BATCH_JOBS = "/WEB-INF/classes/META-INF/batch-jobs/";

    /** Asked when needed: a @Startup bean is made before the web module's context exists. */
    private final Supplier<ServletContext> context;
    private final Optional<FlowsFolder> folder;
    private final ClassLoader loader;

    DeploymentFlows(Supplier<ServletContext> context, Optional<FlowsFolder> folder, ClassLoader loader) {
        this.context = context;
        this.folder = folder;
        this.loader = folder.map(f -> f.scripts(loader)).orElse(loader);
    }

    @Override
    public List<String> names() {
        Set<String> names = new TreeSet<>();
        folder.ifPresent(f -> names.addAll(f.names()));
        Set<String> paths = context.get().getResourcePaths(BATCH_JOBS);
        if (paths != null) {
            paths.stream().filter(p -> p.endsWith(".xml")).map(p -> p.substring(BATCH_JOBS.length(), p.length() - ".xml".length()))
                    .forEach(names::add);
        }
        return List.copyOf(names);
    }

    @Override
    public InputStream jobXml(String flow) throws IOException {
        if (flow.contains("/")) {
            return null;
        }
        InputStream inFolder = folder.isEmpty() ? null : folder.get().resolver().resolveJobXml(flow, loader);
        return inFolder != null ? inFolder : loader.getResourceAsStream("META-INF/batch-jobs/" + flow + ".xml");
    }

    @Override
    public Optional<java.nio.file.Path> folder() {
        return folder.map(FlowsFolder::dir);
    }

    @Override
    public ClassLoader loader() {
        return loader;
    }
}
