package dev.ferry.testing;

import dev.ferry.standalone.FerryCommand;
import dev.ferry.standalone.StandaloneConfig;
import dev.ferry.standalone.StandaloneRuntime;
import dev.ferry.store.ObjectStore;
import dev.ferry.store.StoreSettings;
import jakarta.batch.runtime.JobExecution;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * A source database, a warehouse database and a job repository of their own, a store (a folder, or a
 * bucket on an S3 server), and the config file that ties them together: what a user sets up, per test class.
 */
public final class Pipeline implements AutoCloseable {

    public final String source;
    public final String warehouse;
    public final String repository;
    public final FerryConfigFile config = new FerryConfigFile();
    private final Postgres postgres = new Postgres();
    private final Path dir;

    /** What the command line printed, and its exit code. */
    public record CliResult(int exitCode, String out, String err) {
        public String all() {
            return out + err;
        }
    }

    public Pipeline(Path dir) {
        this.dir = dir;
        source = postgres.createDatabase("src");
        warehouse = postgres.createDatabase("dst");
        repository = postgres.createDatabase("repo");
        config.database("source", source).database("warehouse", warehouse)
                .set("ferry.repository.url", repository)
                .set("ferry.store.url", "file:" + dir.resolve("store"));
    }

    /** Uses a bucket of {@code s3} as the store instead of a folder. */
    public Pipeline withS3Store(S3Server s3, String bucket) {
        s3.createBucket(bucket);
        config.s3Store(s3, bucket);
        return this;
    }

    /** A flows folder of this pipeline's own ({@code flows/}), set as {@code ferry.flows.dir}, for a test's FlowFiles. */
    public Path flowsFolder() {
        try {
            Path flows = java.nio.file.Files.createDirectories(dir.resolve("flows"));
            config.set("ferry.flows.dir", flows.toString());
            return flows;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The folder of this pipeline's store ({@code store/}) and config file. */
    public Path dir() {
        return dir;
    }

    public Path configFile() {
        return config.writeTo(dir);
    }

    public StandaloneRuntime runtime() {
        return StandaloneRuntime.start(StandaloneConfig.load(Optional.of(configFile())));
    }

    /**
     * Runs a flow to its end in a runtime of its own, started as JBeret's API starts it (past Ferry's checks, so
     * a step's own handling of bad input shows), as a deliberate rerun ({@code ferry.forced=true}): tests run
     * their dates again on purpose.
     */
    public JobExecution run(String flow, Map<String, String> parameters) {
        try (StandaloneRuntime runtime = runtime()) {
            Properties properties = new Properties();
            properties.setProperty("ferry.forced", "true");
            properties.putAll(parameters);
            return runtime.await(runtime.start(flow, properties));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public JobExecution run(String flow, String mydate) {
        return run(flow, Map.of("mydate", mydate));
    }

    /** The store the flows write to, opened as Ferry opens it; the caller closes it. */
    public ObjectStore store() {
        return StoreSettings.from(StandaloneConfig.load(Optional.of(configFile()))).open();
    }

    /** Inspects the runtime's repository, e.g. an execution's steps. */
    public <T> T inspect(java.util.function.Function<StandaloneRuntime, T> query) {
        try (StandaloneRuntime runtime = runtime()) {
            return query.apply(runtime);
        }
    }

    /** Runs {@code ferry ARGS --config FILE} in this JVM, capturing what it prints. */
    public CliResult cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--config");
        all.add(configFile().toString());
        return capture(() -> FerryCommand.execute(all.toArray(String[]::new)));
    }

    /** {@code ferry ARGS --config FILE} in a JVM of its own, with the tests' class path and {@code jvmOptions}. */
    public ProcessBuilder ferryProcess(List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>();
        command.add(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), FerryCommand.class.getName()));
        command.addAll(List.of(args));
        command.addAll(List.of("--config", configFile().toString()));
        return new ProcessBuilder(command).redirectErrorStream(true);
    }

    public static CliResult capture(java.util.function.IntSupplier command) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            code = command.getAsInt();
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        CliResult result = new CliResult(code, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
        out.print(result.out());
        err.print(result.err());
        return result;
    }

    /** The reference system's tables: t_src with rows on 2024-01-01..03, and an empty t_target without a key. */
    public void createReferenceTables(int rowsPerDay) {
        Postgres.execute(source,
                "CREATE TABLE t_src (a int, b int, c date)",
                "INSERT INTO t_src SELECT d * 100000 + i, i % 7, DATE '2024-01-01' + d"
                        + " FROM generate_series(0, 2) d, generate_series(1, " + rowsPerDay + ") i");
        Postgres.execute(warehouse, "CREATE TABLE t_target (a int, b int, c date)");
    }

    /** Holds every statement loading t_target for {@code seconds}, as a slow load does: time to kill or stop it mid-COPY. */
    public void holdLoads(int seconds) {
        Postgres.execute(warehouse,
                "CREATE OR REPLACE FUNCTION hold_load() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(" + seconds
                        + "); RETURN NULL; END $$",
                "CREATE TRIGGER hold_load BEFORE INSERT ON t_target FOR EACH STATEMENT EXECUTE FUNCTION hold_load()");
    }

    /**
     * Holds every statement loading t_target in its COPY until {@link LoadHold#release()}: a hold that no busy machine
     * can end early, as a time can.
     */
    public LoadHold holdLoadsUntilReleased() {
        Postgres.execute(warehouse, "CREATE OR REPLACE FUNCTION hold_until_released() RETURNS trigger LANGUAGE plpgsql AS $$"
                        + " BEGIN PERFORM pg_advisory_lock_shared(872301); PERFORM pg_advisory_unlock_shared(872301); RETURN NULL; END $$",
                "CREATE TRIGGER hold_until_released BEFORE INSERT ON t_target FOR EACH STATEMENT EXECUTE FUNCTION hold_until_released()");
        return new LoadHold(warehouse);
    }

    /** The lock that {@link #holdLoadsUntilReleased()} holds the loads with; closing it releases them and drops the hold. */
    public static final class LoadHold implements AutoCloseable {
        private final String warehouse;
        private final java.sql.Connection holder;

        LoadHold(String warehouse) {
            this.warehouse = warehouse;
            try {
                holder = Postgres.connect(warehouse);
                holder.createStatement().execute("SELECT pg_advisory_lock(872301)");
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        public void release() {
            try {
                if (!holder.isClosed()) {
                    holder.close();
                }
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            release();
            Postgres.execute(warehouse, "DROP TRIGGER IF EXISTS hold_until_released ON t_target");
        }
    }

    public void releaseLoads() {
        Postgres.execute(warehouse, "DROP TRIGGER hold_load ON t_target");
    }

    /** Loads of this pipeline's t_target in their COPY right now (not another test class's, in another database). */
    public long loadsInCopy() {
        return Postgres.count(warehouse, "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY t_target%'"
                + " AND datname = current_database()");
    }

    /** Waits until a load of t_target is in its COPY. */
    public void awaitLoadInCopy() throws InterruptedException {
        Await.until("a load of t_target in its COPY", java.time.Duration.ofSeconds(60), () -> loadsInCopy() > 0);
    }

    public long targetRows(String date) {
        return Postgres.count(warehouse, "SELECT count(*) FROM t_target WHERE c = DATE '" + date + "'");
    }


    @Override
    public void close() {
        postgres.close();
    }
}
