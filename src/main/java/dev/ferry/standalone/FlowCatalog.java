package dev.ferry.standalone;

import dev.ferry.flow.FlowVersion;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Properties;
import org.jberet.creation.ArchiveXmlLoader;
import org.jberet.spi.JobXmlResolver;
import org.jberet.tools.ChainedJobXmlResolver;
import org.jberet.tools.MetaInfBatchJobsJobXmlResolver;

/**
 * The flows this runtime can run: job names from {@code META-INF/batch-jobs/} or paths to job XML files,
 * resolved the way JBeret loads them, with their names (job ids) and versions.
 */
public final class FlowCatalog {

    private final JobXmlResolver resolver;
    private final ClassLoader loader;

    /** A catalog that finds flows as standalone Ferry does: a job XML file by path, else META-INF/batch-jobs/. */
    static FlowCatalog standalone(ClassLoader loader) {
        return new FlowCatalog(new ChainedJobXmlResolver(new FileJobXmlResolver(), new MetaInfBatchJobsJobXmlResolver()), loader);
    }

    FlowCatalog(JobXmlResolver resolver, ClassLoader loader) {
        this.resolver = resolver;
        this.loader = loader;
    }

    /** How JBeret finds a flow's job XML here. */
    JobXmlResolver resolver() {
        return resolver;
    }

    /** The flow's name, its job id: what executions and claims are kept under. */
    public String flowName(String jobXml) {
        return ArchiveXmlLoader.loadJobXml(jobXml, loader, new ArrayList<>(), resolver).getId();
    }

    /** The parameters with the flow's current version added. */
    Properties versioned(String jobXml, Properties parameters) {
        Properties all = new Properties();
        all.putAll(parameters);
        all.setProperty(FlowVersion.PARAMETER, version(jobXml));
        return all;
    }

    /** The job XML's content, or null when there is no such job XML. */
    public InputStream jobXml(String jobXml) throws IOException {
        return resolver.resolveJobXml(jobXml.endsWith(".xml") ? jobXml : jobXml + ".xml", loader);
    }

    /** The current version of a flow's definition (job XML and scripts). */
    public String version(String jobXml) {
        try (var xml = jobXml(jobXml)) {
            return FlowVersion.of(xml.readAllBytes(), loader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the job XML of flow '" + jobXml + "': " + e.getMessage(), e);
        }
    }

    /** The job XML name JBeret is to load, checked to exist. */
    public String resolvable(String flow) {
        String jobXml = jobXmlName(flow);
        try (var xml = jobXml(jobXml)) {
            if (xml == null) {
                throw new IllegalArgumentException("no flow named '" + flow + "': there is no META-INF/batch-jobs/" + flow
                        + ".xml on the class path; give a job name such as rds-to-adb or a path to a job XML file");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the job XML of flow '" + flow + "': " + e.getMessage(), e);
        }
        return jobXml;
    }

    /** A path becomes absolute, so that a restart from another directory finds the same file. */
    public static String jobXmlName(String flow) {
        Path path = Path.of(flow);
        if (flow.endsWith(".xml") || flow.contains("/") || flow.contains(File.separator)) {
            if (!Files.isRegularFile(path)) {
                throw new IllegalArgumentException("flow '" + flow + "': no such job XML file (" + path.toAbsolutePath() + ")");
            }
            return path.toAbsolutePath().normalize().toString();
        }
        return flow;
    }
}
