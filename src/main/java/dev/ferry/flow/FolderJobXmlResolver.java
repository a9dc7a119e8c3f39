package dev.ferry.flow;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.jberet.spi.JobXmlResolver;
import org.xml.sax.SAXParseException;

/**
 * The flows folder ({@code ferry.flows.dir}) as JBeret sees it: {@code daily} is {@code FOLDER/daily.xml},
 * read anew at every start, so a changed flow runs as it is now.
 */
public class FolderJobXmlResolver implements JobXmlResolver {

    private final Path folder;

    public FolderJobXmlResolver(Path folder) {
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

    /** The job XML files of the folder, e.g. {@code daily.xml}. */
    @Override
    public Collection<String> getJobXmlNames(ClassLoader classLoader) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(Files::isRegularFile).map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".xml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the flows folder " + folder + ": " + e.getMessage(), e);
        }
    }

    /** The job id in the file, or null when it does not parse (validate says why). */
    @Override
    public String resolveJobName(String jobXml, ClassLoader classLoader) {
        return unreadable(jobXml, classLoader).isPresent() ? null : jobId(jobXml, classLoader);
    }

    /**
     * Why JBeret could not name the job in a file of the folder: {@code FILE:LINE: what is wrong} when it is not
     * well-formed XML or has no {@code <job id>}; empty when it can. (Whether it is a flow that can run is
     * {@code validate}'s to say.)
     */
    public Optional<String> unreadable(String jobXml, ClassLoader classLoader) {
        Path file = folder.resolve(jobXml.endsWith(".xml") ? jobXml : jobXml + ".xml");
        try {
            jobId(jobXml, classLoader);
            return Optional.empty();
        } catch (UncheckedIOException e) {
            return Optional.of(file + ": " + e.getCause().getMessage());
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            int line = cause instanceof SAXParseException parse ? parse.getLineNumber() : -1;
            return Optional.of(file + (line > 0 ? ":" + line : "") + ": " + (cause instanceof SAXParseException ? "not well-formed XML: " : "")
                    + cause.getMessage());
        }
    }

    private String jobId(String jobXml, ClassLoader classLoader) {
        try (InputStream in = resolveJobXml(jobXml, classLoader)) {
            if (in == null) {
                throw new IllegalArgumentException("no such file");
            }
            return FlowStep.jobId(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
