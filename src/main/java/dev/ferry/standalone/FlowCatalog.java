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
import org.jberet.spi.BatchEnvironment;

/**
 * The flows this runtime can run: job names from {@code META-INF/batch-jobs/} or paths to job XML files,
 * resolved the way JBeret loads them, with their names (job ids) and versions.
 */
public final class FlowCatalog {

    private final BatchEnvironment environment;

    FlowCatalog(BatchEnvironment environment) {
        this.environment = environment;
    }

    /** The flow's name, its job id: what executions and claims are kept under. */
    public String flowName(String jobXml) {
        return ArchiveXmlLoader.loadJobXml(jobXml, environment.getClassLoader(), new ArrayList<>(),
                environment.getJobXmlResolver()).getId();
    }

    /** The parameters with the flow's current version added. */
    Properties versioned(String jobXml, Properties parameters) {
        Properties all = new Properties();
        all.putAll(parameters);
        all.setProperty(FlowVersion.PARAMETER, version(jobXml));
        return all;
    }

    /** The job XML's content. */
    public InputStream jobXml(String jobXml) throws IOException {
        return environment.getJobXmlResolver().resolveJobXml(jobXml.endsWith(".xml") ? jobXml : jobXml + ".xml",
                environment.getClassLoader());
    }

    /** The current version of a flow's definition (job XML and scripts). */
    public String version(String jobXml) {
        try (var xml = jobXml(jobXml)) {
            return FlowVersion.of(xml.readAllBytes(), environment.getClassLoader());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the job XML of flow '" + jobXml + "': " + e.getMessage(), e);
        }
    }

    /** The job XML name JBeret is to load, checked to exist. */
    public String resolvable(String flow) {
        String jobXml = jobXmlName(flow);
        try (var xml = environment.getJobXmlResolver().resolveJobXml(jobXml.endsWith(".xml") ? jobXml : jobXml + ".xml",
                environment.getClassLoader())) {
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
