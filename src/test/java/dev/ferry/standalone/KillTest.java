package dev.ferry.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.Await;
import dev.ferry.testing.PerClassDatabases;
import dev.ferry.testing.Pipeline;
import dev.ferry.testing.Postgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A Ferry process killed (SIGKILL: no shutdown hook, nothing tidied) at named points of a run and of its
 * restart. After each, the next Ferry process marks the run FAILED, a restart leaves exactly the source's
 * rows for the date, and the staged partition holds no temporary file of the killed attempt.
 */
@ExtendWith(PerClassDatabases.class)
class KillTest {

    static final int ROWS = 2000;
    static final int BIG_DAY = 200_000;
    static Pipeline pipeline;

    @BeforeAll
    static void setUp(Pipeline created) {
        pipeline = created;
        pipeline.createReferenceTables(ROWS);
        // A bigger day, whose extract has written part of its file when it is held.
        Postgres.execute(pipeline.source, "INSERT INTO t_src SELECT i, i % 7, DATE '2024-01-04' FROM generate_series(1, " + BIG_DAY + ") i");
        // PostgreSQL notices a client that is gone while its statement runs (as a server set up for this would),
        // instead of at the statement's end.
        for (String database : List.of(pipeline.source, pipeline.warehouse)) {
            Postgres.execute(database, "ALTER DATABASE " + database.substring(database.lastIndexOf('/') + 1)
                    + " SET client_connection_check_interval = '500ms'");
        }
        // Rows already there for the dates: a replace must leave the source's rows, not these beside them.
        Postgres.execute(pipeline.warehouse, "INSERT INTO t_target SELECT a, 0, DATE '2024-01-01' + d FROM generate_series(1, 5) a,"
                + " generate_series(0, 2) d");
        // An extract can be held in its COPY, half its rows sent: t_src becomes a view whose 100,000th row waits
        // while hold_extract has a row.
        Postgres.execute(pipeline.source,
                "CREATE TABLE hold_extract (seconds int)",
                "CREATE FUNCTION held() RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$ DECLARE s int; n int; BEGIN"
                        + " IF current_setting('ferry.statement', true) IS DISTINCT FROM statement_timestamp()::text THEN"
                        + " PERFORM set_config('ferry.statement', statement_timestamp()::text, false);"
                        + " PERFORM set_config('ferry.rows', '0', false); END IF;"
                        + " n := current_setting('ferry.rows')::int + 1; PERFORM set_config('ferry.rows', n::text, false);"
                        + " IF n = 100000 THEN SELECT seconds INTO s FROM hold_extract; IF s IS NOT NULL THEN PERFORM pg_sleep(s); END IF; END IF;"
                        + " RETURN true; END $$",
                "ALTER TABLE t_src RENAME TO t_src_rows",
                "CREATE VIEW t_src AS SELECT * FROM t_src_rows WHERE held()");
    }

    @AfterEach
    void releaseHolds() {
        Postgres.execute(pipeline.source, "DELETE FROM hold_extract");
        if (Postgres.count(pipeline.warehouse, "SELECT count(*) FROM pg_trigger WHERE tgname = 'hold_load'") > 0) {
            pipeline.releaseLoads();
        }
    }

    @Test
    void killedInTheExtractsCopy() throws Exception {
        Postgres.execute(pipeline.source, "INSERT INTO hold_extract VALUES (60)");
        Process run = start("run", "rds-to-adb", "-d", "20240104");
        Await.until("the extract is held in its COPY", Duration.ofSeconds(60), () -> Postgres.count(pipeline.source,
                "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY (%' AND datname = current_database()"
                        + " AND wait_event = 'PgSleep'") > 0);

        kill(run);
        Postgres.execute(pipeline.source, "DELETE FROM hold_extract");
        try (Stream<Path> staged = Files.list(pipeline.dir().resolve("store/rds/t3/20240104"))) {
            assertThat(staged.map(p -> p.getFileName().toString())).as("the killed extract's unfinished file").anyMatch(n -> n.contains(".tmp-"));
        }

        restartLeavesExactlyTheSourceRows("20240104", BIG_DAY);
    }

    @Test
    void killedInTheLoadsCopy() throws Exception {
        pipeline.holdLoads(60);
        Process run = start("run", "rds-to-adb", "-d", "20240102");
        pipeline.awaitLoadInCopy();

        kill(run);
        pipeline.releaseLoads();

        restartLeavesExactlyTheSourceRows("20240102", ROWS);
    }

    @Test
    void killedInTheLoadsCopyAndAgainInItsRestartsLoad() throws Exception {
        pipeline.holdLoads(60);
        Process run = start("run", "rds-to-adb", "-d", "20240103");
        pipeline.awaitLoadInCopy();
        kill(run);
        long first = recoveredAsFailed("20240103");

        Process restart = start("restart", String.valueOf(first));
        pipeline.awaitLoadInCopy();
        kill(restart);
        pipeline.releaseLoads();

        restartLeavesExactlyTheSourceRows("20240103", ROWS);
    }

    @Test
    void aServingNodeRecoversTheRunOfAProcessThatDiedAndRestartsItOnceWithoutAnyProcessJoining() throws Exception {
        pipeline.config.set("ferry.flow.rds-to-adb.restart-orphans", "true");
        try (StandaloneRuntime serving = StandaloneRuntime.start(StandaloneConfig.load(Optional.of(pipeline.configFile())), "serve")) {
            pipeline.holdLoads(60);
            Process run = start("run", "rds-to-adb", "-d", "20240101");
            pipeline.awaitLoadInCopy();
            long killed = Postgres.count(pipeline.repository, "SELECT max(jobexecutionid) FROM job_execution");

            kill(run);
            pipeline.releaseLoads();

            // No process starts or joins: the serving node finds the dead owner on its own and restarts the run.
            Await.until("the serving node has restarted the run and it completed", Duration.ofSeconds(90), () -> Postgres.count(
                    pipeline.repository, "SELECT count(*) FROM job_execution WHERE jobexecutionid > " + killed
                            + " AND batchstatus = 'COMPLETED' AND jobinstanceid = (SELECT jobinstanceid FROM job_execution WHERE jobexecutionid = "
                            + killed + ")") == 1);
            assertThat(Postgres.text(pipeline.repository, "SELECT exitstatus FROM job_execution WHERE jobexecutionid = " + killed))
                    .startsWith("FAILED: recovered: its process ").contains("is gone");
            assertThat(Postgres.count(pipeline.repository, "SELECT count(*) FROM ferry_orphan_restart WHERE execution_id = " + killed
                    + " AND restarted_as IS NOT NULL")).as("restarted once").isEqualTo(1);
            assertThat(Postgres.count(pipeline.repository, "SELECT count(*) FROM job_execution WHERE jobexecutionid > " + killed))
                    .as("no second restart").isEqualTo(1);
        } finally {
            pipeline.config.remove("ferry.flow.rds-to-adb.restart-orphans");
        }
        String values = "SELECT md5(string_agg(a || '|' || b || '|' || c, ',' ORDER BY a)) FROM %s WHERE c = DATE '2024-01-01'";
        assertThat(Postgres.text(pipeline.warehouse, values.formatted("t_target"))).as("the source's rows, value for value")
                .isEqualTo(Postgres.text(pipeline.source, values.formatted("t_src_rows")));
    }

    @Test
    void aRunHeldUpWhileItsDateIsRerunByForceDoesNotCommitItsLoadOverTheRerun() throws Exception {
        Postgres.execute(pipeline.source, "INSERT INTO t_src_rows SELECT 500000 + i, i % 7, DATE '2024-01-05' FROM generate_series(1, "
                + ROWS + ") i");
        pipeline.holdLoads(5);
        Process held = pipeline.ferryProcess(List.of(), "run", "rds-to-adb", "-d", "20240105").redirectErrorStream(true).start();
        pipeline.awaitLoadInCopy();
        long heldId = Postgres.count(pipeline.repository, "SELECT max(jobexecutionid) FROM job_execution");

        // While the first run's load is held up, the date is run again on purpose: the rerun's load waits for the date's
        // lock, which the held load keeps until its transaction ends.
        Pipeline.CliResult rerun = pipeline.cli("run", "rds-to-adb", "-d", "20240105", "--force", "-p", "ferry.steps=load");

        String heldOutput = new String(held.getInputStream().readAllBytes());
        assertThat(held.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(held.exitValue()).as(heldOutput).isNotZero();
        assertThat(heldOutput).contains("execution " + heldId + " no longer holds mydate 20240105 of flow rds-to-adb")
                .contains("its rows are not committed over the newer run's");
        assertThat(rerun.exitCode()).as(rerun.all()).isZero();
        String values = "SELECT md5(string_agg(a || '|' || b || '|' || c, ',' ORDER BY a)) FROM %s WHERE c = DATE '2024-01-05'";
        assertThat(pipeline.targetRows("2024-01-05")).isEqualTo(ROWS);
        assertThat(Postgres.text(pipeline.warehouse, values.formatted("t_target"))).isEqualTo(Postgres.text(pipeline.source,
                values.formatted("t_src_rows")));
    }

    private static Process start(String... args) throws IOException {
        return pipeline.ferryProcess(List.of(), args).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static void kill(Process process) throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        // PostgreSQL ends the dead client's statements and rolls their transactions back once it notices.
        Await.until("the killed process's statements end", Duration.ofSeconds(60), () -> pipeline.loadsInCopy() == 0
                && Postgres.count(pipeline.source, "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'COPY (%'"
                        + " AND datname = current_database()") == 0);
    }

    /** The next Ferry process marks the killed run FAILED, naming why. @return its execution id */
    private static long recoveredAsFailed(String mydate) {
        long id = Postgres.count(pipeline.repository, "SELECT max(jobexecutionid) FROM job_execution");
        Pipeline.CliResult history = pipeline.cli("executions");
        assertThat(history.out()).containsPattern(id + "\\s+rds-to-adb\\s+" + mydate + "\\s+FAILED")
                .contains("recovered: its process ").contains("is gone");
        return id;
    }

    private static void restartLeavesExactlyTheSourceRows(String mydate, int rows) throws IOException {
        long id = recoveredAsFailed(mydate);

        Pipeline.CliResult restart = pipeline.cli("restart", String.valueOf(id));

        assertThat(restart.exitCode()).as(restart.all()).isZero();
        String date = mydate.substring(0, 4) + "-" + mydate.substring(4, 6) + "-" + mydate.substring(6);
        assertThat(pipeline.targetRows(date)).isEqualTo(rows);
        String values = "SELECT md5(string_agg(a || '|' || b || '|' || c, ',' ORDER BY a)) FROM %s WHERE c = DATE '" + date + "'";
        assertThat(Postgres.text(pipeline.warehouse, values.formatted("t_target"))).as("the source's rows, value for value")
                .isEqualTo(Postgres.text(pipeline.source, values.formatted("t_src_rows")));
        assertThat(Postgres.count(pipeline.warehouse, "SELECT count(*) FROM (SELECT a FROM t_target WHERE c = DATE '" + date + "'"
                + " GROUP BY a HAVING count(*) > 1) d")).as("no row twice").isZero();
        try (Stream<Path> staged = Files.list(pipeline.dir().resolve("store/rds/t3/" + mydate))) {
            assertThat(staged.map(p -> p.getFileName().toString())).as("no temporary file of the killed attempt")
                    .noneMatch(name -> name.contains(".tmp-"));
        }
    }
}
