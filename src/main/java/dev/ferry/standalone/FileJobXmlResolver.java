package dev.ferry.standalone;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import org.jberet.spi.JobXmlResolver;

/** Finds a job XML given as an absolute file path, so {@code ferry run flows/my-flow.xml} and its restarts work. */
final class FileJobXmlResolver implements JobXmlResolver {

    @Override
    public InputStream resolveJobXml(String jobXml, ClassLoader classLoader) throws IOException {
        Path path = Path.of(jobXml);
        return path.isAbsolute() && Files.isRegularFile(path) ? Files.newInputStream(path) : null;
    }

    @Override
    public Collection<String> getJobXmlNames(ClassLoader classLoader) {
        return List.of();
    }

    @Override
    public String resolveJobName(String jobXml, ClassLoader classLoader) {
        return null;
    }
}
