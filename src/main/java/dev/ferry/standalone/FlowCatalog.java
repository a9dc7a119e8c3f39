package dev.ferry.standalone;

import dev.ferry.flow.FlowDefinitions;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.jberet.creation.ArchiveXmlLoader;
import org.jberet.spi.JobXmlResolver;
import org.jberet.tools.ChainedJobXmlResolver;
import org.jberet.tools.MetaInfBatchJobsJobXmlResolver;

/**
 * The flows this runtime can run: job names from {@code META-INF/batch-jobs/} or paths to job XML files,
 * resolved the way JBeret loads them, with their names (job ids) and versions.
 */
public final class FlowCatalog implements FlowDefinitions {

    private static final String BATCH_JOBS = "META-INF/batch-jobs/";

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
        all.setProperty(FlowVersion.PARAMETER, version(jobXml)
                .orElseThrow(() -> new IllegalArgumentException("no job XML for flow '" + jobXml + "'")));
        return all;
    }

    @Override
    public ClassLoader loader() {
        return loader;
    }

    /**
     * The job names under {@code META-INF/batch-jobs/} in the class path's folders and jars (a jar is found
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
