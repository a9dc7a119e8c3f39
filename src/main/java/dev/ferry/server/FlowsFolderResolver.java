package dev.ferry.server;

import dev.ferry.flow.FlowsFolder;
import dev.ferry.flow.FolderJobXmlResolver;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jberet.spi.JobXmlResolver;

/**
 * The flows folder ({@code ferry.flows.dir}, set by setup.sh) for WildFly's batch subsystem, which loads job
 * XML resolvers of a deployment with the ServiceLoader (META-INF/services in the WAR) and asks them before
 * the WAR's own job XML. WildFly learns the flows' names when the WAR is deployed; their content is read at
 * every start.
 */
public final class FlowsFolderResolver implements JobXmlResolver {

    private static final Logger LOG = Logger.getLogger(FlowsFolderResolver.class.getName());

    private final Optional<FolderJobXmlResolver> folder;

    public FlowsFolderResolver() {
        this.folder = FlowsFolder.from(ConfigProvider.getConfig(), Optional.empty()).map(FlowsFolder::resolver);
    }

    @Override
    public InputStream resolveJobXml(String jobXml, ClassLoader classLoader) throws IOException {
        return folder.isEmpty() ? null : folder.get().resolveJobXml(jobXml, classLoader);
    }

    /**
     * The folder's job XML files that WildFly can name. One it cannot (not well-formed, no job id) would fail the
     * whole deployment, every other flow, timer and the console with it: it is left out and logged with its
     * file and line, as {@code ferry serve} serves the other flows, and the console shows it as broken.
     */
    @Override
    public Collection<String> getJobXmlNames(ClassLoader classLoader) {
        if (folder.isEmpty()) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (String name : folder.get().getJobXmlNames(classLoader)) {
            folder.get().unreadable(name, classLoader).ifPresentOrElse(
                    problem -> LOG.severe(() -> "flow file " + problem + "; it is left out of this deployment, the other flows run."
                            + " Fix it (ferry validate lists every problem) and redeploy the WAR"),
                    () -> names.add(name));
        }
        return names;
    }

    @Override
    public String resolveJobName(String jobXml, ClassLoader classLoader) {
        return folder.map(f -> f.resolveJobName(jobXml, classLoader)).orElse(null);
    }
}
