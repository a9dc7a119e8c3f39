package dev.ferry.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.partition.Manifest;
import dev.ferry.partition.Partition;
import dev.ferry.store.ObjectStore;
import dev.ferry.store.StoreSettings;
import dev.ferry.testing.Await;
import dev.ferry.testing.Postgres;
import dev.ferry.testing.S3Server;
import dev.ferry.variables.BusinessDate;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * target/ferry.war on a WildFly prepared by server-config/wildfly/setup.sh (see src/test/wildfly/), with
 * PostgreSQL and an S3-protocol store: what a user of the server sees, driven as a user drives it, with
 * jboss-cli.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class WildFlyIT {

    static final String SOURCE = Postgres.SERVER + "ferry_it_src";
    static final String WAREHOUSE = Postgres.SERVER + "ferry_it_dst";
    static final String REPOSITORY = Postgres.SERVER + "ferry_it_repo";
    static final Path JBOSS_HOME = Path.of(System.getProperty("jboss.home", "target/wildfly"));
    static S3Server s3;

    @Deployment(testable = false)
    static WebArchive ferryWar() {
        // The WAR as built, plus test flows.
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File("target/ferry.war"))
                .addAsResource(new File("src/test/resources/META-INF/batch-jobs/timer-probe.xml"), "META-INF/batch-jobs/timer-probe.xml")
                .addAsResource(new File("src/test/resources/META-INF/batch-jobs/timer-catchup.xml"), "META-INF/batch-jobs/timer-catchup.xml")
                .addAsResource(new File("src/test/resources/flows/unknown-database.xml"), "META-INF/batch-jobs/unknown-database.xml")
                .addAsResource(new File("src/test/resources/META-INF/batch-jobs/sleepy.xml"), "META-INF/batch-jobs/sleepy.xml");
    }

    @BeforeAll
    static void startStoreAndCreateTables() throws Exception {
        s3 = new S3Server(18091);
        s3.createBucket("ferry-it");
        Postgres.execute(SOURCE, "CREATE TABLE IF NOT EXISTS t_src (a int, b int, c date)",
                "INSERT INTO t_src SELECT d * 1000 + i, i % 7, DATE '2024-01-01' + d FROM generate_series(0, 3) d, generate_series(1, 250) i");
        Postgres.execute(WAREHOUSE, "CREATE TABLE IF NOT EXISTS t_target (a int, b int, c date)");
    }

    @AfterAll
    static void stopStore() throws Exception {
        s3.close();
    }

    @Test
    void theReferenceFlowStartedWithJbossCliRunsInTheServerEndToEnd() throws Exception {
        long id = startJob("rds-to-adb", "20240102");

        assertThat(awaitEnd(id)).isEqualTo("COMPLETED");
        assertThat(Postgres.count(WAREHOUSE, "SELECT count(*) FROM t_target WHERE c = DATE '2024-01-02'")).isEqualTo(250);
        assertThat(query("SELECT o.role FROM ferry_execution_owner x JOIN ferry_owner o ON o.owner_id = x.owner_id"
                + " WHERE x.execution_id = " + id)).as("the server owns the run, so a crash is recovered").containsExactly("wildfly");
        try (ObjectStore store = store()) {
            Manifest manifest = new Partition(store, "rds/t3/20240102/").readManifest().orElseThrow();
            assertThat(manifest.rows()).isEqualTo(250);
            assertThat(manifest.flow()).isEqualTo("rds-to-adb");
        }
    }

    @Test
    void aSecondStartJobOfTheSameDateFailsAtOnceNamingTheFirstAndLoadsNothing() throws Exception {
        long first = startJob("rds-to-adb", "20240104");
        assertThat(awaitEnd(first)).isEqualTo("COMPLETED");

        long second = startJob("rds-to-adb", "20240104");

        assertThat(awaitEnd(second)).isEqualTo("FAILED");
        assertThat(exitStatuses(second)).anySatisfy(s -> assertThat(s).contains("mydate 20240104 of flow rds-to-adb is claimed by outside Ferry")
                .contains("(execution " + first + ")").contains("ferry.forced=true"));
        assertThat(Postgres.count(WAREHOUSE, "SELECT count(*) FROM t_target WHERE c = DATE '2024-01-04'")).isEqualTo(250);
        assertThat(query("SELECT claimed_by || ' ' || execution_id FROM ferry_claim WHERE flow = 'rds-to-adb' AND mydate = '20240104'"))
                .containsExactly("outside Ferry " + first);
    }

    @Test
    void aFlowOfTheFlowsFolderRunsInTheServerAndRunsAsChangedWithoutARedeploy() throws Exception {
        long first = startJob("folder-totals", "20240101");
        assertThat(awaitEnd(first)).isEqualTo("COMPLETED");
        assertThat(Postgres.count(WAREHOUSE, "SELECT count(*) FROM folder_totals WHERE mydate = DATE '2024-01-01' AND note = 'first'"))
                .isEqualTo(1);

        Path script = Path.of("target/wildfly-it/flows/folder-totals.sql");
        Files.writeString(script, Files.readString(script).replace("'first'", "'changed'"));
        long second = Long.parseLong(result(cli("/deployment=ferry.war/subsystem=batch-jberet:start-job(job-xml-name=folder-totals,"
                + " properties={\"mydate\"=>\"20240101\", \"ferry.forced\"=>\"true\"})")));

        assertThat(awaitEnd(second)).isEqualTo("COMPLETED");
        assertThat(Postgres.count(WAREHOUSE, "SELECT count(*) FROM folder_totals WHERE mydate = DATE '2024-01-01' AND note = 'changed'"))
                .as("the changed script ran").isEqualTo(1);
    }

    @Test
    void aLoadFollowsItsParallelExtractInTheServer() throws Exception {
        Postgres.execute(WAREHOUSE, "CREATE TABLE IF NOT EXISTS t_overlap (a int, b int, c date)");

        long id = startJob("overlap-parallel", "20240102");

        assertThat(awaitEnd(id)).as(String.join("\n", exitStatuses(id))).isEqualTo("COMPLETED");
        assertThat(stepNames(id)).containsExactlyInAnyOrder("extract", "load");
        assertThat(Postgres.count(WAREHOUSE, "SELECT count(*) FROM t_overlap WHERE c = DATE '2024-01-02'")).isEqualTo(250);
        assertThat(Postgres.count(WAREHOUSE, "SELECT count(DISTINCT a) FROM t_overlap WHERE c = DATE '2024-01-02'")).isEqualTo(250);
        awaitLog("overlap-parallel/extract: 2 streams over", Duration.ofSeconds(5));
    }

    @Test
    void restartJobResumesAFailedLoadWithoutExtractingAgain() throws Exception {
        Postgres.execute(WAREHOUSE, "CREATE TABLE t_target_saved AS SELECT * FROM t_target", "DROP TABLE t_target");
        long failed = startJob("rds-to-adb", "20240103");
        assertThat(awaitEnd(failed)).isEqualTo("FAILED");
        assertThat(exitStatuses(failed)).anySatisfy(s -> assertThat(s).contains("flow rds-to-adb, step load").contains("t_target"));

        Postgres.execute(WAREHOUSE, "ALTER TABLE t_target_saved RENAME TO t_target");
        long restarted = Long.parseLong(result(cli("/deployment=ferry.war/subsystem=batch-jberet:restart-job(execution-id=" + failed + ")")));

        assertThat(awaitEnd(restarted)).isEqualTo("COMPLETED");
        assertThat(stepNames(restarted)).containsExactly("load");
        assertThat(Postgres.count(WAREHOUSE, "SELECT count(*) FROM t_target WHERE c = DATE '2024-01-03'")).isEqualTo(250);
    }

    @Test
    void stopJobCancelsTheRunningStatement() throws Exception {
        long id = startJob("sleepy", "20240102");
        awaitStatement("pg_sleep");

        cli("/deployment=ferry.war/subsystem=batch-jberet:stop-job(execution-id=" + id + ")");

        long stoppedWithin = System.nanoTime();
        assertThat(awaitEnd(id)).isEqualTo("STOPPED");
        assertThat(Duration.ofNanos(System.nanoTime() - stoppedWithin)).isLessThan(Duration.ofSeconds(30));
        assertThat(Postgres.count(WAREHOUSE, "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(120)'")).isZero();
    }

    @Test
    void aWrongDatasourceNameIsNamedWithTheFlowStepAndJndiName() throws Exception {
        long id = startJob("unknown-database", "20240102");

        assertThat(awaitEnd(id)).isEqualTo("FAILED");
        assertThat(exitStatuses(id)).anySatisfy(s -> assertThat(s)
                .contains("flow unknown-database, step extract, property database")
                .contains("no database named 'nosuch'")
                .contains("java:jboss/datasources/ferry/nosuch"));
    }

    @Test
    void theTimerStartsItsFlowByItselfOncePerBusinessDate() throws Exception {
        String yesterday = BusinessDate.forRunAt(ZonedDateTime.now(ZoneOffset.UTC), ZoneOffset.UTC).toString();
        List<Long> runs = awaitExecutions("timer-probe", 1, Duration.ofSeconds(60));
        // The schedule fires every two seconds, each time for the same business date: wait for more firings.
        awaitLog("flow timer-probe, mydate " + yesterday + ": skipped, already claimed", Duration.ofSeconds(30));

        assertThat(awaitExecutions("timer-probe", 1, Duration.ZERO)).isEqualTo(runs).hasSize(1);
        assertThat(awaitEnd(runs.get(0))).isEqualTo("COMPLETED");
        assertThat(query("SELECT mydate || ' ' || execution_id FROM ferry_claim WHERE flow = 'timer-probe'"))
                .containsExactly(yesterday + " " + runs.get(0));
    }

    @Test
    void theDeploymentCatchesUpTheDatesMissedInAThreeDayGapInOrder() throws Exception {
        List<Long> runs = awaitExecutions("timer-catchup", 3, Duration.ofSeconds(90));
        for (long id : runs) {
            assertThat(awaitEnd(id)).isEqualTo("COMPLETED");
        }
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        List<String> missed = new ArrayList<>();
        for (ZonedDateTime fire = now.minusDays(3).truncatedTo(java.time.temporal.ChronoUnit.DAYS).plusHours(3);
             !fire.isAfter(now); fire = fire.plusDays(1)) {
            if (fire.isAfter(now.minusDays(3))) {
                missed.add(BusinessDate.forRunAt(fire, ZoneOffset.UTC).toString());
            }
        }

        assertThat(runs).hasSize(3);
        // Each claim is committed as it is taken and attached right after its start, while the catch-up goes on.
        String claimed = "SELECT c.mydate FROM ferry_claim c JOIN job_execution e ON e.jobexecutionid = c.execution_id"
                + " WHERE c.flow = 'timer-catchup' ORDER BY e.starttime";
        assertThat(Await.until("three claims", Duration.ofSeconds(5), () -> query(claimed), c -> c.size() >= 3)).isEqualTo(missed);
        assertThat(query("SELECT 1 FROM ferry_claim a JOIN job_execution ea ON ea.jobexecutionid = a.execution_id"
                + " JOIN ferry_claim b ON b.flow = a.flow AND b.mydate > a.mydate JOIN job_execution eb ON eb.jobexecutionid = b.execution_id"
                + " WHERE a.flow = 'timer-catchup' AND eb.starttime < ea.endtime")).as("one after the other").isEmpty();
    }

    @Test
    void noSecretIsWrittenInTheServerConfigurationOrLog() throws IOException {
        String config = Files.readString(JBOSS_HOME.resolve("standalone/configuration/standalone.xml"));
        String log = Files.readString(JBOSS_HOME.resolve("standalone/log/server.log"));

        assertThat(config).contains("${ENC::ferry:");
        for (String secret : List.of("it-source-Secret-1", "it-warehouse-Secret-2", "it-repository-Secret-3", S3Server.SECRET_KEY)) {
            assertThat(config).doesNotContain(secret);
            assertThat(log).doesNotContain(secret);
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(JBOSS_HOME.resolve("standalone/configuration/ferry-keys.cs"))))
                .as("the key that decrypts the secrets").isEqualTo("rw-------");
    }

    @Test
    void theDeploymentStartsWithoutWarningsOfItsOwn() throws IOException {
        List<String> warnings = Files.readAllLines(JBOSS_HOME.resolve("standalone/log/server.log")).stream()
                .filter(line -> line.contains(" WARN ") && line.contains("ferry")).filter(line -> line.contains("WFLYSRV0059")
                        || line.contains("not resolvable") || line.contains("Class-Path")).toList();
        assertThat(warnings).as("deployment warnings about the WAR's own jars and classes").isEmpty();
    }

    // --- jboss-cli, as a user runs it

    private static long startJob(String flow, String mydate) throws Exception {
        return Long.parseLong(result(cli("/deployment=ferry.war/subsystem=batch-jberet:start-job(job-xml-name=" + flow
                + ", properties={mydate=" + mydate + "})")));
    }

    private static String cli(String command) throws Exception {
        Process process = new ProcessBuilder(JBOSS_HOME.resolve("bin/jboss-cli.sh").toString(), "--connect",
                "--controller=localhost:10090", "--command=" + command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(output).as(command).contains("\"outcome\" => \"success\"");
        return output;
    }

    private static String result(String cliOutput) {
        Matcher m = Pattern.compile("\"result\" => (\\d+)L").matcher(cliOutput);
        assertThat(m.find()).as(cliOutput).isTrue();
        return m.group(1);
    }

    // --- what the job repository holds

    private static String awaitEnd(long executionId) throws Exception {
        return Await.until("execution " + executionId + " ends", Duration.ofSeconds(60),
                () -> query("SELECT batchstatus FROM job_execution WHERE jobexecutionid = " + executionId).stream().findFirst().orElse(""),
                status -> List.of("COMPLETED", "FAILED", "STOPPED", "ABANDONED").contains(status));
    }

    private static List<Long> awaitExecutions(String flow, int atLeast, Duration within) throws Exception {
        return Await.until(atLeast + " execution(s) of " + flow, within,
                () -> query("SELECT e.jobexecutionid FROM job_execution e JOIN job_instance i ON i.jobinstanceid = e.jobinstanceid"
                        + " WHERE i.jobname = '" + flow + "' ORDER BY 1").stream().map(Long::parseLong).toList(), ids -> ids.size() >= atLeast);
    }

    private static List<String> exitStatuses(long executionId) throws SQLException {
        return query("SELECT exitstatus FROM step_execution WHERE jobexecutionid = " + executionId);
    }

    private static List<String> stepNames(long executionId) throws SQLException {
        return query("SELECT stepname FROM step_execution WHERE jobexecutionid = " + executionId + " ORDER BY stepexecutionid");
    }

    private static List<String> query(String sql) throws SQLException {
        try (Connection c = Postgres.connect(REPOSITORY); PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return List.of(); // JBeret has not created its tables yet
            }
            throw e;
        }
    }

    private static void awaitStatement(String text) throws Exception {
        Await.until("a statement with " + text + " runs", Duration.ofSeconds(30), () -> Postgres.count(WAREHOUSE,
                "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%" + text + "%' AND pid <> pg_backend_pid()") > 0);
    }

    private static void awaitLog(String text, Duration within) throws Exception {
        Await.until("server.log says: " + text, within,
                () -> Files.readString(JBOSS_HOME.resolve("standalone/log/server.log")).contains(text));
    }

    private static ObjectStore store() {
        Map<String, String> settings = Map.of("ferry.store.url", "s3://ferry-it/staging",
                "ferry.store.s3.endpoint", s3.endpoint(), "ferry.store.s3.path-style", "true",
                "ferry.store.s3.access-key", S3Server.ACCESS_KEY, "ferry.store.s3.secret-key", S3Server.SECRET_KEY);
        return StoreSettings.from(new io.smallrye.config.SmallRyeConfigBuilder()
                .withSources(new io.smallrye.config.PropertiesConfigSource(settings, "it", ConfigSource.DEFAULT_ORDINAL)).build()).open();
    }
}
