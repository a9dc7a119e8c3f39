package dev.ferry.server;

import dev.ferry.flow.FlowsFolder;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jberet.spi.JobXmlResolver;

/**
 * The flows folder ({@code ferry.flows.dir}, set by setup.sh) for WildFly's batch subsystem, which loads job
 * XML resolvers of a deployment with the ServiceLoader (META-INF/services in the WAR) and asks them before
 * the WAR's own job XML. WildFly learns the flows' names when the WAR is deployed; their content is read at
 * every start.
 */
public final class FlowsFolderResolver implements JobXmlResolver {

    private final Optional<JobXmlResolver> folder;

    public FlowsFolderResolver() {
        this.folder = FlowsFolder.from(ConfigProvider.getConfig(), Optional.empty()).map(FlowsFolder::resolver);
    }

    @Override
    public InputStream resolveJobXml(String jobXml, ClassLoader classLoader) throws IOException {
        return folder.isEmpty() ? null : folder.get().resolveJobXml(jobXml, classLoader);
    }

    @Override
    public Collection<String> getJobXmlNames(ClassLoader classLoader) {
        return folder.map(f -> f.getJobXmlNames(classLoader)).orElse(List.of());
    }

    @Override
    public String resolveJobName(String jobXml, ClassLoader classLoader) {
        return folder.map(f -> f.resolveJobName(jobXml, classLoader)).orElse(null);
    }
}
