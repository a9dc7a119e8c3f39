package dev.ferry.standalone;

import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.transaction.TransactionManager;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.jberet.repository.JdbcRepository;
import org.jberet.repository.JobRepository;
import org.jberet.spi.ArtifactFactory;
import org.jberet.spi.BatchEnvironment;
import org.jberet.spi.JobExecutor;
import org.jberet.spi.JobTask;
import org.jberet.spi.JobXmlResolver;
import org.jberet.tx.LocalTransactionManager;

/**
 * JBeret's environment when Ferry runs on its own: artifacts from this runtime's Weld container, the JDBC
 * job repository on PostgreSQL, a thread pool that closes with the runtime, and job XML from
 * {@code META-INF/batch-jobs/} or a file path. All of it comes from Ferry's configuration rather than
 * jberet.properties, so one file configures everything.
 */
final class StandaloneBatchEnvironment implements BatchEnvironment, AutoCloseable {

    private final ArtifactFactory artifacts;
    private final JobRepository repository;
    private final ThreadPoolExecutor threads;
    private final JobExecutor executor;
    private final JobXmlResolver jobXmlResolver;
    /** Where job XML and script files are found: the class path, and the flows folder when there is one. */
    private final ClassLoader loader;

    StandaloneBatchEnvironment(BeanManager beanManager, DataSource repositoryDataSource, JobXmlResolver jobXmlResolver,
                               ClassLoader loader) {
        this.jobXmlResolver = jobXmlResolver;
        this.loader = loader;
        this.artifacts = new CdiArtifactFactory(beanManager);
        this.repository = new JdbcRepository(repositoryDataSource, new Properties());
        AtomicInteger count = new AtomicInteger();
        this.threads = (ThreadPoolExecutor) Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "ferry-batch-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.executor = new JobExecutor(threads) {
            @Override
            protected int getMaximumPoolSize() {
                return threads.getMaximumPoolSize();
            }
        };
    }

    @Override
    public ClassLoader getClassLoader() {
        return loader;
    }

    @Override
    public ArtifactFactory getArtifactFactory() {
        return artifacts;
    }

    @Override
    public void submitTask(JobTask task) {
        executor.execute(task);
    }

    @Override
    public TransactionManager getTransactionManager() {
        return LocalTransactionManager.getInstance();
    }

    @Override
    public JobRepository getJobRepository() {
        return repository;
    }

    @Override
    public JobXmlResolver getJobXmlResolver() {
        return jobXmlResolver;
    }

    @Override
    public Properties getBatchConfigurationProperties() {
        return new Properties();
    }

    @Override
    public String getApplicationName() {
        return "ferry";
    }

    @Override
    public void close() {
        ExecutorService pool = threads;
        pool.shutdown();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
