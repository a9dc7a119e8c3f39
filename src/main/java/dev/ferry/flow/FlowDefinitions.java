package dev.ferry.flow;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * The flows a runtime can start and their job XML: standalone, the class path and job XML files; in the
 * WAR, the deployment's {@code META-INF/batch-jobs/}.
 */
public interface FlowDefinitions {

    /** Names of the flows packaged with this runtime, sorted: what the console offers to start. */
    List<String> names();

    /** The job XML of a flow (a job name, or standalone a path to a job XML file), or null when there is none. */
    InputStream jobXml(String flow) throws IOException;

    /**
     * The job XML name JBeret is to load for {@code flow}: the name itself, or standalone a job XML file's
     * absolute path, so that a restart from another directory finds the same file.
     */
    default String jobXmlName(String flow) {
        return flow;
    }

    /** The flows folder ({@code ferry.flows.dir}) whose job XML files are flows too, if there is one. */
    default Optional<java.nio.file.Path> folder() {
        return Optional.empty();
    }

    /** Where a flow's script files are found. */
    ClassLoader loader();

    /** The job XML's bytes, if the flow exists. */
    default Optional<byte[]> read(String flow) {
        try (InputStream xml = jobXml(flow)) {
            return xml == null ? Optional.empty() : Optional.of(xml.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the job XML of flow '" + flow + "': " + e.getMessage(), e);
        }
    }

    /** The current version of a flow's definition (job XML and scripts), if the flow exists. */
    default Optional<String> version(String flow) {
        return read(flow).map(xml -> FlowVersion.of(xml, loader()));
    }
}
