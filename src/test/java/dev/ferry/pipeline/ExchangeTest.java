package dev.ferry.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.FlowFile;
import dev.ferry.testing.PerClassDatabases;
import dev.ferry.testing.Pipeline;
import dev.ferry.testing.Postgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * mode exchange replaces a date by swapping its partition: readers see the old day or the new one, the partition
 * keeps its name and indexes, the other dates are not touched, and a reader holding the table delays the swap
 * without being cancelled. On PostgreSQL 15's declarative partitions.
 */
@ExtendWith(PerClassDatabases.class)
class ExchangeTest {

    static Pipeline pipeline;
    static Path store;

    @BeforeAll
    static void setUp(Pipeline created) throws IOException {
        pipeline = created;
        store = pipeline.dir().resolve("store");
        Path flows = pipeline.flowsFolder();
        Postgres.execute(pipeline.source, "CREATE TABLE t_src (a int, b text, c date)",
                "INSERT INTO t_src SELECT d * 1000 + i, 'v1', DATE '2024-03-14' + d FROM generate_series(0, 3) d, generate_series(1, 200) i");
        Postgres.execute(pipeline.warehouse, "CREATE TABLE t_days (a int, b text NOT NULL DEFAULT 'x', c date) PARTITION BY RANGE (c)",
                "CREATE INDEX t_days_a ON t_days (a)",
                "CREATE TABLE t_days_20240314 PARTITION OF t_days FOR VALUES FROM ('2024-03-14') TO ('2024-03-15')",
                "CREATE TABLE t_days_20240315 PARTITION OF t_days FOR VALUES FROM ('2024-03-15') TO ('2024-03-16')",
                "CREATE TABLE t_days_20240317 PARTITION OF t_days FOR VALUES FROM ('2024-03-17') TO ('2024-03-18')",
                "CREATE TABLE t_flat (a int, b text, c date)",
                "CREATE TABLE t_many (a int, b text NOT NULL, c date) PARTITION BY RANGE (c)");
        flow("swap", "t_days", "1");
        flow("swap-flat", "t_flat", "1");
        FlowFile.named("swap-wide")
                .step("extract", "extract", "database", "source", "query", "SELECT * FROM t_src WHERE c >= DATE '${mydate}'",
                        "target", "swap-wide/${mydate}/", "maxFileBytes", "4000")
                .step("load", "load", "database", "warehouse", "table", "t_days", "source", "swap-wide/${mydate}/", "mode", "exchange",
                        "partitionValue", "${mydate|yyyy-MM-dd}", "parallel", "2")
                .writeTo(flows);
    }

    @Test
    void rowsOfOtherDatesThanThePartitionsAreRefusedAndTheTargetIsLeftAsItWas() {
        Postgres.execute(pipeline.warehouse, "INSERT INTO t_days SELECT i, 'kept', DATE '2024-03-14' FROM generate_series(1, 30) i");

        // The reference system's query takes every later day as well: rows of 03-15..03-17 do not belong in 03-14's partition.
        Pipeline.CliResult run = pipeline.cli("run", "swap-wide", "-d", "20240314");

        assertThat(run.exitCode()).as(run.all()).isNotZero();
        assertThat(run.all()).contains("fall outside the bound of public.t_days_20240314 (FOR VALUES FROM ('2024-03-14') TO ('2024-03-15'))")
                .contains("the extract's query selects other dates than partitionValue").contains("t_days is unchanged");
        assertThat(count("SELECT count(*) FROM t_days WHERE c = DATE '2024-03-14' AND b = 'kept'")).isEqualTo(30);
        assertThat(count("SELECT count(*) FROM t_days_20240314")).isEqualTo(30);
        assertThat(count("SELECT count(*) FROM pg_class WHERE relname LIKE 'ferry_stage_%'")).as("no staging table left").isZero();
    }

    static void flow(String name, String table, String lockTimeout) {
        FlowFile.named(name)
                .step("extract", "extract", "database", "source", "query", "SELECT * FROM t_src WHERE c = DATE '${mydate}'",
                        "target", name + "/${mydate}/")
                .step("load", "load", "database", "warehouse", "table", table, "source", name + "/${mydate}/", "mode", "exchange",
                        "partitionValue", "${mydate|yyyy-MM-dd}", "lockTimeout", lockTimeout)
                .writeTo(pipeline.dir().resolve("flows"));
    }

    @Test
    void anExchangeReplacesTheDatesPartitionKeepingItsNameAndIndexesAndLeavesTheOtherDates() {
        Postgres.execute(pipeline.warehouse, "INSERT INTO t_days SELECT i, 'old', DATE '2024-03-15' FROM generate_series(1, 50) i",
                "INSERT INTO t_days SELECT i, 'other', DATE '2024-03-17' FROM generate_series(1, 70) i");
        long otherDate = count("SELECT count(*) FROM t_days WHERE c = DATE '2024-03-17'");

        Pipeline.CliResult run = pipeline.cli("run", "swap", "-d", "20240315");

        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.err()).contains("t_days (mode exchange): loaded 200").contains("by exchanging partition public.t_days_20240315");
        assertThat(count("SELECT count(*) FROM t_days WHERE c = DATE '2024-03-15' AND b = 'v1'")).isEqualTo(200);
        assertThat(count("SELECT count(*) FROM t_days WHERE c = DATE '2024-03-15'")).as("the old rows are gone").isEqualTo(200);
        assertThat(count("SELECT count(*) FROM t_days WHERE c = DATE '2024-03-17'")).as("another date").isEqualTo(otherDate);
        assertThat(Postgres.text(pipeline.warehouse, "SELECT string_agg(c.relname, ',' ORDER BY c.relname) FROM pg_inherits i"
                + " JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 't_days'::regclass"))
                .isEqualTo("t_days_20240314,t_days_20240315,t_days_20240317");
        assertThat(Postgres.text(pipeline.warehouse, "SELECT string_agg(c.relname, ',') FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                + " WHERE i.inhparent = 't_days_a'::regclass AND c.relname LIKE '%20240315%'"))
                .as("the partition's index, attached to the table's").isEqualTo("t_days_20240315_a_idx");
        assertThat(count("SELECT count(*) FROM pg_constraint WHERE conrelid = 't_days_20240315'::regclass AND conname = 'ferry_bound'")).isZero();
        assertThat(count("SELECT count(*) FROM pg_class WHERE relname LIKE 'ferry_stage%'")).isZero();
    }

    @Test
    void aTargetThatIsNotPartitionedOrHasNoPartitionForTheDateIsRefusedBeforeAnythingRuns() {
        Pipeline.CliResult noPartition = pipeline.cli("run", "swap", "-d", "20240316");
        assertThat(noPartition.exitCode()).isEqualTo(2);
        assertThat(noPartition.err()).contains("no partition of t_days holds c = '2024-03-16'")
                .contains("CREATE TABLE t_days_20240316 PARTITION OF t_days FOR VALUES FROM ('2024-03-16')");
        assertThat(Files.exists(store.resolve("swap/20240316"))).as("nothing extracted").isFalse();

        Pipeline.CliResult flat = pipeline.cli("try-run", "swap-flat", "-d", "20240314");
        assertThat(flat.exitCode()).isEqualTo(1);
        assertThat(flat.out()).contains("t_flat is not partitioned").contains("PARTITION BY RANGE");
    }

    @Test
    void aReaderCountingTheDateSeesTheOldCountOrTheNewNeverAnotherAndIsNeverCancelled() throws Exception {
        assertThat(pipeline.cli("run", "swap", "-d", "20240314", "--force").exitCode()).isZero();
        Postgres.execute(pipeline.source, "INSERT INTO t_src SELECT 5000 + i, 'v2', DATE '2024-03-14' FROM generate_series(1, 100) i");
        Set<Long> seen = new ConcurrentSkipListSet<>();
        AtomicBoolean reading = new AtomicBoolean(true);
        AtomicReference<Exception> readerFailed = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try (Connection c = Postgres.connect(pipeline.warehouse); Statement s = c.createStatement()) {
                while (reading.get()) {
                    // Each count in a transaction that holds the table a while: the swap must wait for it, not cancel it.
                    c.setAutoCommit(false);
                    try (ResultSet rs = s.executeQuery("SELECT count(*) FROM t_days WHERE c = DATE '2024-03-14'")) {
                        rs.next();
                        seen.add(rs.getLong(1));
                    }
                    s.execute("SELECT pg_sleep(0.3)");
                    c.commit();
                }
            } catch (Exception e) {
                readerFailed.set(e);
            }
        });
        reader.start();
        try {
            Pipeline.CliResult again = pipeline.cli("run", "swap", "-d", "20240314", "--force");
            assertThat(again.exitCode()).as(again.all()).isZero();
        } finally {
            Thread.sleep(400);
            reading.set(false);
            reader.join();
        }
        assertThat(readerFailed.get()).as("the reader was never cancelled").isNull();
        assertThat(seen).containsOnly(200L, 300L).contains(300L);
    }

    @Test
    void aReaderThatHoldsTheTableLongerThanLockTimeoutDelaysTheSwapWhichBacksOffAndCompletes() throws Exception {
        AtomicReference<Exception> readerFailed = new AtomicReference<>();
        java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (Connection c = Postgres.connect(pipeline.warehouse); Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                s.execute("SELECT count(*) FROM t_days");
                holding.countDown();
                s.execute("SELECT pg_sleep(2.5)");
                c.commit();
            } catch (Exception e) {
                readerFailed.set(e);
                holding.countDown();
            }
        });
        reader.start();
        holding.await();

        Pipeline.CliResult run = pipeline.cli("run", "swap", "-d", "20240314", "--force");
        reader.join();

        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.err()).contains("t_days is in use; swap attempt 1 waited 1000 ms for its lock").contains("attempts at its lock");
        assertThat(readerFailed.get()).as("the reader was never cancelled").isNull();
    }

    @Test
    void aStagingTableThatADeadRunLeftIsRemovedByTheNextExchangeOfItsDate() {
        Postgres.execute(pipeline.warehouse, "CREATE TABLE ferry_stage_swap_20240317_999 (LIKE t_days_20240317)");

        Pipeline.CliResult run = pipeline.cli("run", "swap", "-d", "20240317", "--force");

        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.err()).contains("dropped public.ferry_stage_swap_20240317_999, left by a run of this date that did not finish");
        assertThat(count("SELECT count(*) FROM pg_class WHERE relname LIKE 'ferry_stage%'")).isZero();
        assertThat(count("SELECT count(*) FROM t_days WHERE c = DATE '2024-03-17'")).isEqualTo(200);
    }

    @Test
    void keepPreviousKeepsTheRowsSwappedOutAsATableOfTheirOwn() {
        FlowFile.named("swap-keep")
                .step("extract", "extract", "database", "source", "query", "SELECT * FROM t_src WHERE c = DATE '${mydate}'",
                        "target", "swap-keep/${mydate}/")
                .step("load", "load", "database", "warehouse", "table", "public.t_days", "source", "swap-keep/${mydate}/", "mode", "exchange",
                        "partitionValue", "${mydate|yyyy-MM-dd}", "keepPrevious", "true")
                .writeTo(pipeline.dir().resolve("flows"));
        Postgres.execute(pipeline.warehouse, "CREATE TABLE t_days_20240318 PARTITION OF t_days FOR VALUES FROM ('2024-03-18') TO ('2024-03-19')",
                "INSERT INTO t_days SELECT i, 'before', DATE '2024-03-18' FROM generate_series(1, 30) i");
        Postgres.execute(pipeline.source, "INSERT INTO t_src SELECT 9000 + i, 'v1', DATE '2024-03-18' FROM generate_series(1, 40) i");

        Pipeline.CliResult run = pipeline.cli("run", "swap-keep", "-d", "20240318");

        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.err()).contains("kept as public.t_days_20240318_previous");
        assertThat(count("SELECT count(*) FROM t_days WHERE c = DATE '2024-03-18'")).isEqualTo(40);
        assertThat(count("SELECT count(*) FROM t_days_20240318_previous WHERE b = 'before'")).isEqualTo(30);
        assertThat(count("SELECT count(*) FROM pg_inherits WHERE inhrelid = 't_days_20240318_previous'::regclass")).as("detached").isZero();
    }

    @Test
    void createPartitionAttachesTheLoadedStagingTableAsTheDatesNewPartitionOfAListOrADailyRangeTable() {
        Postgres.execute(pipeline.warehouse, "CREATE TABLE t_list (a int, b text, c date) PARTITION BY LIST (c)",
                "CREATE INDEX t_list_a ON t_list (a)",
                "CREATE TABLE t_ranged (a int, b text, c date) PARTITION BY RANGE (c)",
                "CREATE TABLE t_ranged_20240201 PARTITION OF t_ranged FOR VALUES FROM ('2024-02-01') TO ('2024-02-02')");
        createFlow("swap-new-list", "t_list");
        createFlow("swap-new-range", "t_ranged");

        Pipeline.CliResult tryRun = pipeline.cli("try-run", "swap-new-list", "-d", "20240314");
        assertThat(tryRun.exitCode()).as(tryRun.all()).isZero();
        assertThat(tryRun.out()).contains("no partition holds 2024-03-14 yet: the staging table becomes the new partition"
                + " public.t_list_20240314 FOR VALUES IN ('2024-03-14')").contains("COPY the staging table FROM STDIN <- ");

        Pipeline.CliResult list = pipeline.cli("run", "swap-new-list", "-d", "20240314");
        Pipeline.CliResult range = pipeline.cli("run", "swap-new-range", "-d", "20240314");

        assertThat(list.exitCode()).as(list.all()).isZero();
        assertThat(list.err()).contains("by attaching it as the new partition public.t_list_20240314 FOR VALUES IN ('2024-03-14')");
        assertThat(range.exitCode()).as(range.all()).isZero();
        assertThat(Postgres.text(pipeline.warehouse, "SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE relname = 't_ranged_20240314'"))
                .isEqualTo("FOR VALUES FROM ('2024-03-14') TO ('2024-03-15')");
        assertThat(count("SELECT count(*) FROM t_list WHERE c = DATE '2024-03-14'")).isEqualTo(200);
        assertThat(count("SELECT count(*) FROM t_ranged_20240314")).isEqualTo(200);
        assertThat(Postgres.text(pipeline.warehouse, "SELECT string_agg(c.relname, ',') FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                + " WHERE i.inhparent = 't_list_a'::regclass")).as("the table's index, as PostgreSQL names it").isEqualTo("t_list_20240314_a_idx");
        assertThat(count("SELECT count(*) FROM pg_constraint WHERE conname = 'ferry_bound'")).isZero();

        Pipeline.CliResult again = pipeline.cli("run", "swap-new-list", "-d", "20240314", "--force");
        assertThat(again.exitCode()).as(again.all()).isZero();
        assertThat(again.err()).contains("by exchanging partition public.t_list_20240314");
        assertThat(count("SELECT count(*) FROM t_list")).isEqualTo(200);
    }

    @Test
    void createPartitionRefusesAKeyItCannotMakeADayOfAndANameThatATableAlreadyHas() {
        Postgres.execute(pipeline.warehouse, "CREATE TABLE t_by_int (a int, b text, c date) PARTITION BY RANGE (a)",
                "CREATE TABLE t_list2 (a int, b text, c date) PARTITION BY LIST (c)",
                "CREATE TABLE t_list2_20240315 (a int, b text, c date)");
        createFlow("swap-new-int", "t_by_int");
        createFlow("swap-new-taken", "t_list2");

        Pipeline.CliResult byInt = pipeline.cli("run", "swap-new-int", "-d", "20240315");
        Pipeline.CliResult taken = pipeline.cli("run", "swap-new-taken", "-d", "20240315");

        assertThat(byInt.exitCode()).as(byInt.all()).isEqualTo(2);
        assertThat(byInt.err()).contains("createPartition makes only LIST partitions and one-day RANGE partitions of a date or timestamp key"
                + " (a is integer)");
        assertThat(taken.exitCode()).as(taken.all()).isEqualTo(2);
        assertThat(taken.err()).contains("public.t_list2_20240315, is the name of a table that is not one");
        assertThat(Files.exists(store.resolve("swap-new-int/20240315"))).as("nothing extracted").isFalse();
    }

    private static void createFlow(String name, String table) {
        FlowFile.named(name)
                .step("extract", "extract", "database", "source", "query", "SELECT * FROM t_src WHERE c = DATE '${mydate}'",
                        "target", name + "/${mydate}/")
                .step("load", "load", "database", "warehouse", "table", table, "source", name + "/${mydate}/", "mode", "exchange",
                        "partitionValue", "${mydate|yyyy-MM-dd}", "createPartition", "true")
                .writeTo(pipeline.dir().resolve("flows"));
    }

    @Test
    void theSwappedInPartitionIsStoredAsTheOneItReplacesWithItsAccessMethodAndStorageParameters() {
        // A day's partition tuned by its owner (fillfactor for later updates, autovacuum off for a table loaded once).
        Postgres.execute(pipeline.warehouse, "CREATE TABLE t_many_20240323 PARTITION OF t_many FOR VALUES FROM ('2024-03-23') TO ('2024-03-24')"
                + " USING heap WITH (fillfactor = 70, autovacuum_enabled = false)");
        Postgres.execute(pipeline.source, "INSERT INTO t_src SELECT 40000 + i, 's', DATE '2024-03-23' FROM generate_series(1, 100) i");
        parallelFlow("swap-tuned", "1");

        Pipeline.CliResult run = pipeline.cli("run", "swap-tuned", "-d", "20240323");

        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(count("SELECT count(*) FROM t_many WHERE c = DATE '2024-03-23'")).isEqualTo(100);
        assertThat(Postgres.text(pipeline.warehouse, "SELECT am.amname || ' ' || array_to_string(c.reloptions, ',') FROM pg_class c"
                + " JOIN pg_am am ON am.oid = c.relam WHERE c.oid = 't_many_20240323'::regclass"))
                .isEqualTo("heap fillfactor=70,autovacuum_enabled=false");
    }

    @Test
    void parallelStreamsEachLoadWholeFilesIntoTheStagingTableAndTheSwapStaysOneStep() {
        Postgres.execute(pipeline.warehouse, "CREATE TABLE t_many_20240320 PARTITION OF t_many FOR VALUES FROM ('2024-03-20') TO ('2024-03-21')",
                "INSERT INTO t_many SELECT i, 'before', DATE '2024-03-20' FROM generate_series(1, 30) i");
        Postgres.execute(pipeline.source, "INSERT INTO t_src SELECT 20000 + i, 'p' || i, DATE '2024-03-20' FROM generate_series(1, 3000) i");
        parallelFlow("swap-parallel", "3");

        Pipeline.CliResult run = pipeline.cli("run", "swap-parallel", "-d", "20240320");

        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.err()).containsPattern("filled \\S+ferry_stage_swap_parallel_20240320_\\d+_[0-9a-f]{4} in 3 streams of \\d+, \\d+, \\d+ file").contains("loaded 3000 in binary in 3 streams, by exchanging partition");
        assertThat(Postgres.text(pipeline.warehouse, "SELECT md5(string_agg(a || b || c, ',' ORDER BY a)) FROM t_many WHERE c = DATE '2024-03-20'"))
                .isEqualTo(Postgres.text(pipeline.source, "SELECT md5(string_agg(a || b || c, ',' ORDER BY a)) FROM t_src WHERE c = DATE '2024-03-20'"));
        assertThat(count("SELECT count(*) FROM pg_class WHERE relname LIKE 'ferry_stage%'")).isZero();
    }

    @Test
    void aStreamThatFailsStopsTheOthersAndNothingIsSwapped() {
        Postgres.execute(pipeline.warehouse, "CREATE TABLE t_many_20240321 PARTITION OF t_many FOR VALUES FROM ('2024-03-21') TO ('2024-03-22')",
                "INSERT INTO t_many SELECT i, 'before', DATE '2024-03-21' FROM generate_series(1, 30) i");
        // One row among 3,000 breaks the partition's NOT NULL: the stream that holds its file fails.
        Postgres.execute(pipeline.source, "INSERT INTO t_src SELECT 30000 + i, CASE WHEN i = 2500 THEN NULL ELSE 'p' END, DATE '2024-03-21'"
                + " FROM generate_series(1, 3000) i");
        parallelFlow("swap-parallel-bad", "2");

        Pipeline.CliResult run = pipeline.cli("run", "swap-parallel-bad", "-d", "20240321");

        assertThat(run.exitCode()).as(run.all()).isNotZero();
        assertThat(run.err()).contains("null value in column \"b\"").doesNotContain("stopped: another load stream failed");
        assertThat(count("SELECT count(*) FROM t_many WHERE c = DATE '2024-03-21' AND b = 'before'")).as("the old day, whole").isEqualTo(30);
        assertThat(count("SELECT count(*) FROM t_many WHERE c = DATE '2024-03-21'")).isEqualTo(30);
        assertThat(count("SELECT count(*) FROM pg_class WHERE relname LIKE 'ferry_stage%'")).as("the staging table dropped").isZero();
    }

    @Test
    void parallelStreamsAreRefusedForAModeThatMustLoadInOneTransaction() {
        FlowFile.named("replace-parallel")
                .step("extract", "extract", "database", "source", "query", "SELECT * FROM t_src WHERE c = DATE '${mydate}'",
                        "target", "replace-parallel/${mydate}/")
                .step("load", "load", "database", "warehouse", "table", "t_flat", "source", "replace-parallel/${mydate}/",
                        "replaceWhere", "c = DATE '${mydate}'", "parallel", "2")
                .writeTo(pipeline.dir().resolve("flows"));

        Pipeline.CliResult validate = pipeline.cli("validate", "replace-parallel");

        assertThat(validate.exitCode()).as(validate.all()).isNotZero();
        assertThat(validate.all()).contains("parallel load streams need mode exchange").contains("a replace must clear and load the table"
                + " in one transaction");
    }

    @Test
    void anExchangeThatFollowsItsExtractFillsTheStagingTableAsTheFilesAreWrittenAndSwapsOnceTheManifestIsProven() throws IOException {
        Postgres.execute(pipeline.warehouse, "CREATE TABLE t_many_20240322 PARTITION OF t_many FOR VALUES FROM ('2024-03-22') TO ('2024-03-23')",
                "INSERT INTO t_many SELECT i, 'before', DATE '2024-03-22' FROM generate_series(1, 30) i");
        Postgres.execute(pipeline.source, "INSERT INTO t_src SELECT 40000 + i, 'f' || i, DATE '2024-03-22' FROM generate_series(1, 3000) i");
        Files.writeString(pipeline.dir().resolve("flows/swap-follow.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <job id="swap-follow" xmlns="https://jakarta.ee/xml/ns/jakartaee" version="2.0">
                    <split id="move">
                        <flow id="extracting"><step id="extract"><batchlet ref="extract"><properties>
                            <property name="database" value="source"/>
                            <property name="query" value="SELECT * FROM t_src WHERE c = DATE &apos;${mydate}&apos;"/>
                            <property name="target" value="swap-follow/${mydate}/"/>
                            <property name="maxFileBytes" value="4000"/>
                        </properties></batchlet></step></flow>
                        <flow id="loading"><step id="load"><batchlet ref="load"><properties>
                            <property name="database" value="warehouse"/>
                            <property name="table" value="t_many"/>
                            <property name="source" value="swap-follow/${mydate}/"/>
                            <property name="mode" value="exchange"/>
                            <property name="partitionValue" value="${mydate|yyyy-MM-dd}"/>
                            <property name="follow" value="extract"/>
                        </properties></batchlet></step></flow>
                    </split>
                </job>
                """);

        Pipeline.CliResult run = pipeline.cli("run", "swap-follow", "-d", "20240322");

        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.err()).contains("loaded 3000 in binary as the extract wrote the files, by exchanging partition public.t_many_20240322");
        assertThat(Postgres.text(pipeline.warehouse, "SELECT md5(string_agg(a || b || c, ',' ORDER BY a)) FROM t_many WHERE c = DATE '2024-03-22'"))
                .isEqualTo(Postgres.text(pipeline.source, "SELECT md5(string_agg(a || b || c, ',' ORDER BY a)) FROM t_src WHERE c = DATE '2024-03-22'"));
        assertThat(count("SELECT count(*) FROM pg_class WHERE relname LIKE 'ferry_stage%'")).isZero();
    }

    @Test
    void twoExchangesOfOneRunInASplitEachKeepTheirOwnStagingTable() throws IOException {
        Postgres.execute(pipeline.warehouse,
                // Each fill waits at one row until both staging tables are there (at most 30 s): the two exchanges of the split
                // are then under way at once, whichever starts first.
                "CREATE FUNCTION both_staging(a int) RETURNS boolean LANGUAGE plpgsql AS $$ DECLARE waited int := 0; BEGIN"
                        + " WHILE a = 2100 AND waited < 150 AND (SELECT count(*) FROM pg_class WHERE relname LIKE 'ferry\\_stage\\_swap\\_two\\_%') < 2"
                        + " LOOP PERFORM pg_sleep(0.2); waited := waited + 1; END LOOP; RETURN true; END $$",
                "CREATE TABLE t_two_a (a int, b text, c date, CHECK (both_staging(a))) PARTITION BY LIST (c)",
                "CREATE TABLE t_two_b (a int, b text, c date, CHECK (both_staging(a))) PARTITION BY LIST (c)",
                "CREATE TABLE t_two_a_20240316 PARTITION OF t_two_a FOR VALUES IN ('2024-03-16')",
                "CREATE TABLE t_two_b_20240316 PARTITION OF t_two_b FOR VALUES IN ('2024-03-16')");
        String load = """
                        <flow id="%1$s"><step id="load-%1$s"><batchlet ref="load"><properties>
                            <property name="database" value="warehouse"/>
                            <property name="table" value="%1$s"/>
                            <property name="source" value="swap-two/${mydate}/"/>
                            <property name="mode" value="exchange"/>
                            <property name="partitionValue" value="${mydate|yyyy-MM-dd}"/>
                        </properties></batchlet></step></flow>
                """;
        Files.writeString(pipeline.dir().resolve("flows/swap-two.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <job id="swap-two" xmlns="https://jakarta.ee/xml/ns/jakartaee" version="2.0">
                    <step id="extract" next="loads"><batchlet ref="extract"><properties>
                        <property name="database" value="source"/>
                        <property name="query" value="SELECT * FROM t_src WHERE c = DATE &apos;${mydate}&apos;"/>
                        <property name="target" value="swap-two/${mydate}/"/>
                    </properties></batchlet></step>
                    <split id="loads">
                """ + load.formatted("t_two_a") + load.formatted("t_two_b") + """
                    </split>
                </job>
                """);

        Pipeline.CliResult run = pipeline.cli("run", "swap-two", "-d", "20240316");

        assertThat(run.exitCode()).as(run.all()).isZero();
        for (String table : new String[] {"t_two_a", "t_two_b"}) {
            assertThat(Postgres.text(pipeline.warehouse, "SELECT md5(string_agg(a || b || c, ',' ORDER BY a)) FROM " + table))
                    .as(table).isEqualTo(Postgres.text(pipeline.source, "SELECT md5(string_agg(a || b || c, ',' ORDER BY a)) FROM t_src"
                            + " WHERE c = DATE '2024-03-16'"));
        }
        assertThat(count("SELECT count(*) FROM pg_class WHERE relname LIKE 'ferry_stage%'")).isZero();
    }

    /** An exchange whose extract writes many small files, so that the load has several to share among its streams. */
    private static void parallelFlow(String name, String parallel) {
        FlowFile.named(name)
                .step("extract", "extract", "database", "source", "query", "SELECT * FROM t_src WHERE c = DATE '${mydate}'",
                        "target", name + "/${mydate}/", "maxFileBytes", "4000")
                .step("load", "load", "database", "warehouse", "table", "t_many", "source", name + "/${mydate}/", "mode", "exchange",
                        "partitionValue", "${mydate|yyyy-MM-dd}", "parallel", parallel)
                .writeTo(pipeline.dir().resolve("flows"));
    }

    private static long count(String sql) {
        return Postgres.count(pipeline.warehouse, sql);
    }
}
