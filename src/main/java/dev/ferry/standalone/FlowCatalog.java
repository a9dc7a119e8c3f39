package dev.ferry.standalone;

import dev.ferry.flow.FlowDefinitions;
import dev.ferry.flow.FlowsFolder;
import dev.ferry.flow.FlowVersion;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.Config;
import org.jberet.spi.JobXmlResolver;
import org.jberet.tools.ChainedJobXmlResolver;
import org.jberet.tools.MetaInfBatchJobsJobXmlResolver;

/**
 * The flows this runtime can run, resolved the way JBeret loads them, with their names (job ids) and
 * versions: the job XML files of the flows folder ({@code ferry.flows.dir}) by their file names, the
 * job names of {@code META-INF/batch-jobs/} on the class path, and paths to job XML files. A flow of the
 * folder comes before a built-in flow of the same name; its script files are found beside it.
 */
public final class FlowCatalog implements FlowDefinitions {

    private static final String BATCH_JOBS = "META-INF/batch-jobs/";

    /** The flows folder when {@code ferry.flows.dir} is not set: {@code flows} in the working directory, if it exists. */
    static final Path DEFAULT_FLOWS_DIR = Path.of("flows");

    private final JobXmlResolver resolver;
    private final ClassLoader loader;
    private final Optional<Path> folder;

    /** A catalog that finds flows as standalone Ferry does: a job XML file by path, else META-INF/batch-jobs/. */
    static FlowCatalog standalone(ClassLoader loader) {
        return standalone(loader, Optional.empty());
    }

    /** A catalog that finds flows as standalone Ferry does: by path, in the flows folder, else in META-INF/batch-jobs/. */
    static FlowCatalog standalone(ClassLoader loader, Optional<FlowsFolder> folder) {
        if (folder.isEmpty()) {
            return new FlowCatalog(new ChainedJobXmlResolver(new FileJobXmlResolver(), new MetaInfBatchJobsJobXmlResolver()), loader,
                    Optional.empty());
        }
        return new FlowCatalog(new ChainedJobXmlResolver(new FileJobXmlResolver(), folder.get().resolver(),
                new MetaInfBatchJobsJobXmlResolver()), folder.get().scripts(loader), Optional.of(folder.get().dir()));
    }

    /** The flows folder of the configuration: {@code ferry.flows.dir} (which must exist), else {@code ./flows} when there is one. */
    static Optional<FlowsFolder> folder(Config config) {
        return FlowsFolder.from(config, Optional.of(DEFAULT_FLOWS_DIR));
    }

    FlowCatalog(JobXmlResolver resolver, ClassLoader loader, Optional<Path> folder) {
        this.resolver = resolver;
        this.loader = loader;
        this.folder = folder;
    }

    @Override
    public Optional<Path> folder() {
        return folder;
    }

    /** How JBeret finds a flow's job XML here. */
    JobXmlResolver resolver() {
        return resolver;
    }

    /** The parameters with the flow's current version added. */
    Properties versioned(String jobXml, Properties parameters) {
        Properties all = new Properties();
        all.putAll(parameters);
        all.setProperty(FlowVersion.PARAMETER, version(jobXml)
                .orElseThrow(() -> new IllegalArgumentException("no job XML for flow '" + jobXml + "'")));
        return all;
    }

    @Override
    public ClassLoader loader() {
        return loader;
    }

    /**
     * The flows folder's job XML files and the job names under {@code META-INF/batch-jobs/} in the class path's folders and jars (a jar is found
     * through its folder entry, which the jar tool and Maven write).
     */
    @Override
    public List<String> names() {
        TreeSet<String> names = new TreeSet<>();
        try {
            for (URL url : Collections.list(loader.getResources(BATCH_JOBS))) {
                if ("file".equals(url.getProtocol())) {
                    try (Stream<Path> files = Files.list(Path.of(URI.create(url.toString())))) {
                        files.map(f -> f.getFileName().toString()).forEach(name -> addJobName(names, name));
                    }
                } else if ("jar".equals(url.getProtocol())) {
                    JarURLConnection connection = (JarURLConnection) url.openConnection();
                    connection.setUseCaches(false);
                    try (JarFile jar = connection.getJarFile()) {
                        for (JarEntry entry : Collections.list(jar.entries())) {
                            String name = entry.getName();
                            if (name.startsWith(BATCH_JOBS) && name.indexOf('/', BATCH_JOBS.length()) < 0) {
                                addJobName(names, name.substring(BATCH_JOBS.length()));
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + BATCH_JOBS + " on the class path: " + e.getMessage(), e);
        }
        folder.ifPresent(dir -> names.addAll(new FlowsFolder(dir).names()));
        return List.copyOf(names);
    }

    private static void addJobName(TreeSet<String> names, String file) {
        if (file.endsWith(".xml")) {
            names.add(file.substring(0, file.length() - ".xml".length()));
        }
    }

    /** The job XML's content, or null when there is no such job XML. */
    @Override
    public InputStream jobXml(String jobXml) throws IOException {
        return resolver.resolveJobXml(jobXml.endsWith(".xml") ? jobXml : jobXml + ".xml", loader);
    }


    @Override
    public String jobXmlName(String flow) {
        return resolvable(flow);
    }

    /** The job XML name JBeret is to load, checked to exist. */
    public String resolvable(String flow) {
        String jobXml = pathOrName(flow);
        try (var xml = jobXml(jobXml)) {
            if (xml == null) {
                throw new IllegalArgumentException("no flow named '" + flow + "': there is no " + flow + ".xml in the flows folder ("
                        + folder.map(Path::toString).orElse("none: set " + FlowsFolder.KEY) + ") and no META-INF/batch-jobs/" + flow
                        + ".xml on the class path; the flows here are " + names() + ", or give a path to a job XML file");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the job XML of flow '" + flow + "': " + e.getMessage(), e);
        }
        return jobXml;
    }

    /** A path becomes absolute, so that a restart from another directory finds the same file. */
    private static String pathOrName(String flow) {
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
