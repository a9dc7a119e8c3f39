package dev.ferry.standalone;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import org.jberet.spi.JobXmlResolver;

/** Finds a flow of the flows folder by its name: {@code daily} is {@code FOLDER/daily.xml}. */
final class FolderJobXmlResolver implements JobXmlResolver {

    private final Path folder;

    FolderJobXmlResolver(Path folder) {
        this.folder = folder;
    }

    @Override
    public InputStream resolveJobXml(String jobXml, ClassLoader classLoader) throws IOException {
        if (jobXml.contains("/") || jobXml.contains("\\")) {
            return null;
        }
        Path file = folder.resolve(jobXml.endsWith(".xml") ? jobXml : jobXml + ".xml");
        return Files.isRegularFile(file) ? Files.newInputStream(file) : null;
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
