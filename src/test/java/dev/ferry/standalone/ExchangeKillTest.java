package dev.ferry.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.Await;
import dev.ferry.testing.FlowFile;
import dev.ferry.testing.PerClassDatabases;
import dev.ferry.testing.Pipeline;
import dev.ferry.testing.Postgres;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * mode exchange killed (SIGKILL) at each point of its way: while the staging table fills, after it is filled and
 * before the swap (its indexes being built), in the swap (waiting for a reader's lock), and after the swap before JBeret
 * records the step. Each time the date's partition is either as it was or fully swapped, and a restart completes it
 * with exactly the source's rows, removing the staging table the killed run left. The holds are the warehouse's own
 * (a CHECK and an index expression that wait, a reader's lock, a trigger on JBeret's table), so no Ferry code is
 * altered for the test.
 */
@ExtendWith(PerClassDatabases.class)
class ExchangeKillTest {

    static final int ROWS = 20_000;
    /** The row of each day that the holds wait at: its 10,000th. */
    static final int HELD_ROW = 10_000;
    static Pipeline pipeline;

    @BeforeAll
    static void setUp(Pipeline created) {
        pipeline = created;
        for (String database : List.of(pipeline.warehouse, pipeline.repository)) {
            // PostgreSQL notices a client that is gone while its statement waits, instead of at the statement's end.
            Postgres.execute(database, "ALTER DATABASE " + database.substring(database.lastIndexOf('/') + 1)
                    + " SET client_connection_check_interval = '500ms'", "CREATE TABLE hold (what text)");
        }
        Postgres.execute(pipeline.source, "CREATE TABLE t_src (a int, b text, c date)",
                "INSERT INTO t_src SELECT d * 100000 + i, 'new', DATE '2024-05-01' + d FROM generate_series(1, 4) d, generate_series(1, " + ROWS + ") i");
        Postgres.execute(pipeline.warehouse,
                // Waits at the held row until hold no longer says so: a COPY killed mid-stream is noticed only once the
                // server reads on (the dead client's FIN is queued behind the rows the server has not taken).
                "CREATE FUNCTION held_row(a int) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN"
                        + " WHILE a % 100000 = " + HELD_ROW + " AND EXISTS (SELECT 1 FROM hold WHERE what = 'fill') LOOP PERFORM pg_sleep(0.2);"
                        + " END LOOP; RETURN true; END $$",
                // Declared IMMUTABLE, as an index expression must be; it sees no later change of hold, so it waits a fixed time.
                "CREATE FUNCTION held_key(a int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN"
                        + " IF a % 100000 = " + HELD_ROW + " AND EXISTS (SELECT 1 FROM hold WHERE what = 'index') THEN PERFORM pg_sleep(120); END IF;"
                        + " RETURN a; END $$",
                "CREATE TABLE t_days (a int, b text, c date, CHECK (held_row(a))) PARTITION BY RANGE (c)",
                "CREATE INDEX t_days_key ON t_days (held_key(a))");
        for (int d = 1; d <= 4; d++) {
            String day = "2024-05-0" + (1 + d);
            Postgres.execute(pipeline.warehouse, "CREATE TABLE t_days_2024050" + (1 + d) + " PARTITION OF t_days FOR VALUES FROM ('" + day
                    + "') TO ('" + day + "'::date + 1)", "INSERT INTO t_days SELECT i, 'old', DATE '" + day + "' FROM generate_series(1, 50) i");
        }
        Postgres.execute(pipeline.repository, "CREATE FUNCTION held_record() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " IF EXISTS (SELECT 1 FROM hold WHERE what = 'record') THEN PERFORM pg_sleep(120); END IF; RETURN NEW; END $$");
        FlowFile.named("swap")
                .step("extract", "extract", "database", "source", "query", "SELECT * FROM t_src WHERE c = DATE '${mydate}'",
                        "target", "swap/${mydate}/")
                .step("load", "load", "database", "warehouse", "table", "t_days", "source", "swap/${mydate}/", "mode", "exchange",
                        "partitionValue", "${mydate|yyyy-MM-dd}", "lockTimeout", "60")
                .writeTo(pipeline.flowsFolder());
        pipeline.inspect(runtime -> null); // JBeret's tables, for the trigger one test puts on them
    }

    @AfterEach
    void releaseHolds() {
        Postgres.execute(pipeline.warehouse, "DELETE FROM hold");
        Postgres.execute(pipeline.repository, "DELETE FROM hold", "DROP TRIGGER IF EXISTS held_record ON step_execution");
    }

    @Test
    void killedWhileTheStagingTableFills() throws Exception {
        Postgres.execute(pipeline.warehouse, "INSERT INTO hold VALUES ('fill')");
        Process run = start("20240502");
        awaitSleeping(pipeline.warehouse, "COPY %ferry_stage_swap_20240502%");

        kill(run);

        assertAsItWas("2024-05-02");
        assertThat(stagingTables()).as("the killed run's staging table, committed empty").isEqualTo(1);
        restartCompletesExactly("20240502");
    }

    @Test
    void killedAfterTheStagingTableIsFilledWhileItsIndexesAreBuilt() throws Exception {
        Postgres.execute(pipeline.warehouse, "INSERT INTO hold VALUES ('index')");
        Process run = start("20240503");
        awaitSleeping(pipeline.warehouse, "CREATE INDEX%ferry_stage_swap_20240503%");

        kill(run);

        assertAsItWas("2024-05-03");
        String staging = Postgres.text(pipeline.warehouse, "SELECT relname FROM pg_class WHERE relname LIKE 'ferry_stage_swap_20240503_"
                + lastExecution() + "_%'");
        assertThat(Postgres.count(pipeline.warehouse, "SELECT count(*) FROM " + staging))
                .as("the staging table's rows, committed").isEqualTo(ROWS);
        restartCompletesExactly("20240503");
    }

    @Test
    void killedInTheSwapWaitingForAReadersLock() throws Exception {
        try (Connection reader = Postgres.connect(pipeline.warehouse); Statement s = reader.createStatement()) {
            reader.setAutoCommit(false);
            s.execute("SELECT count(*) FROM t_days WHERE c = DATE '2024-05-04'");
            Process run = start("20240504");
            Await.until("the swap waits for the reader's lock", Duration.ofSeconds(90), () -> Postgres.count(pipeline.warehouse,
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                            + " AND query LIKE 'ALTER TABLE t_days DETACH PARTITION%'") == 1);

            run.destroyForcibly();
            assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();
            reader.rollback(); // were the dead client not noticed yet, its swap could not commit: the rest of it never comes
        }
        awaitStatementsEnded();

        assertAsItWas("2024-05-04");
        restartCompletesExactly("20240504");
    }

    @Test
    void killedAfterTheSwapBeforeJBeretRecordsTheStep() throws Exception {
        Postgres.execute(pipeline.repository, "INSERT INTO hold VALUES ('record')",
                "CREATE TRIGGER held_record BEFORE UPDATE ON step_execution FOR EACH ROW"
                        + " WHEN (NEW.stepname = 'load' AND NEW.batchstatus = 'COMPLETED') EXECUTE FUNCTION held_record()");
        Process run = start("20240505");
        awaitSleeping(pipeline.repository, "UPDATE%STEP_EXECUTION%");

        kill(run);

        assertThat(partition("2024-05-05")).as("fully swapped").isEqualTo(Postgres.text(pipeline.source, source("2024-05-05")));
        assertThat(Postgres.text(pipeline.repository, "SELECT batchstatus FROM step_execution WHERE stepname = 'load'"
                + " AND jobexecutionid = " + lastExecution())).as("JBeret did not record the load").isEqualTo("STARTED");
        restartCompletesExactly("20240505");
    }

    private static Process start(String mydate) throws java.io.IOException {
        return pipeline.ferryProcess(List.of(), "run", "swap", "-d", mydate).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** Waits until a statement of the run is held in one of the holds (they sleep). */
    private static void awaitSleeping(String database, String statement) throws InterruptedException {
        Await.until("a statement like " + statement + " is held", Duration.ofSeconds(90), () -> Postgres.count(database,
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'PgSleep'"
                        + " AND query ILIKE '" + statement + "'") > 0);
    }

    private static void kill(Process process) throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Postgres.execute(pipeline.warehouse, "DELETE FROM hold");
        Postgres.execute(pipeline.repository, "DELETE FROM hold");
        awaitStatementsEnded();
    }

    /** PostgreSQL ends the dead client's statements and rolls their transactions back once it notices. */
    private static void awaitStatementsEnded() throws InterruptedException {
        String others = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                + " AND state NOT IN ('idle', 'idle in transaction') AND ";
        Await.until("the killed run's statements end", Duration.ofSeconds(60), () -> Postgres.count(pipeline.warehouse, others
                + "(query ILIKE '%ferry_stage%' OR query LIKE 'ALTER TABLE t_days%')") == 0
                && Postgres.count(pipeline.repository, others + "query ILIKE 'UPDATE%STEP_EXECUTION%'") == 0);
    }

    private static void assertAsItWas(String day) {
        assertThat(Postgres.count(pipeline.warehouse, "SELECT count(*) FROM t_days WHERE c = DATE '" + day + "'")).isEqualTo(50);
        assertThat(Postgres.count(pipeline.warehouse, "SELECT count(*) FROM t_days WHERE c = DATE '" + day + "' AND b = 'old'"))
                .as("the date as it was").isEqualTo(50);
    }

    /** The next process marks the killed run FAILED; its restart leaves the source's rows, the partition's name, and no staging table. */
    private static void restartCompletesExactly(String mydate) {
        long killed = lastExecution();
        assertThat(pipeline.cli("executions").out()).containsPattern(killed + "\\s+swap\\s+" + mydate + "\\s+FAILED");

        Pipeline.CliResult restart = pipeline.cli("restart", String.valueOf(killed));

        assertThat(restart.exitCode()).as(restart.all()).isZero();
        String day = mydate.substring(0, 4) + "-" + mydate.substring(4, 6) + "-" + mydate.substring(6);
        assertThat(partition(day)).as("the source's rows, value for value").isEqualTo(Postgres.text(pipeline.source, source(day)));
        assertThat(Postgres.count(pipeline.warehouse, "SELECT count(*) FROM t_days_" + mydate)).isEqualTo(ROWS);
        assertThat(stagingTables()).as("no staging table left").isZero();
        assertThat(Postgres.text(pipeline.warehouse, "SELECT count(*) || ' ' || string_agg(c.relname, ',') FROM pg_inherits i"
                + " JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 't_days_key'::regclass AND c.relname LIKE '%" + mydate + "%'"))
                .as("the partition's index, attached to the table's").isEqualTo("1 t_days_" + mydate + "_held_key_idx");
    }

    private static String partition(String day) {
        return Postgres.text(pipeline.warehouse, "SELECT md5(string_agg(a || b || c, ',' ORDER BY a)) FROM t_days WHERE c = DATE '" + day + "'");
    }

    private static String source(String day) {
        return "SELECT md5(string_agg(a || b || c, ',' ORDER BY a)) FROM t_src WHERE c = DATE '" + day + "'";
    }

    private static long stagingTables() {
        return Postgres.count(pipeline.warehouse, "SELECT count(*) FROM pg_class WHERE relname LIKE 'ferry_stage%' AND relkind = 'r'");
    }

    private static long lastExecution() {
        return Postgres.count(pipeline.repository, "SELECT max(jobexecutionid) FROM job_execution");
    }
}
