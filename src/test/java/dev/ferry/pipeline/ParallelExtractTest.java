package dev.ferry.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.Await;
import dev.ferry.testing.FlowFile;
import dev.ferry.testing.LogCapture;
import dev.ferry.testing.PerClassDatabases;
import dev.ferry.testing.Pipeline;
import dev.ferry.testing.Postgres;
import jakarta.batch.runtime.BatchStatus;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An extract in parallel streams gives exactly the rows of one stream: every value as it was, each row once,
 * all from one snapshot even while the table is being written to.
 */
@ExtendWith(PerClassDatabases.class)
class ParallelExtractTest {

    static final int ACCOUNTS = 200_000;
    static Pipeline pipeline;

    @BeforeAll
    static void setUp(Pipeline created) {
        pipeline = created;
        // The warehouse is the source database here, so that EXCEPT can compare the tables directly.
        pipeline.config.database("warehouse", pipeline.source);
        CsvFidelityTest.createFidelityTable(pipeline.source);
        Postgres.execute(pipeline.source,
                // the awkward rows 300 times over, so that they fill pages enough for several ranges
                "INSERT INTO fidelity SELECT id + 100 * g, t, v, n, d, r, big, ts, tsl, dt, b, j, jb, bin, arr, u, iv"
                        + " FROM fidelity, generate_series(1, 300) g",
                "CREATE TABLE fidelity_one (LIKE fidelity)", "CREATE TABLE fidelity_three (LIKE fidelity)",
                "CREATE TABLE accounts (id int, v int, pad text)",
                "INSERT INTO accounts SELECT i, 100, repeat('x', 100) FROM generate_series(1, " + ACCOUNTS + ") i",
                "CREATE TABLE accounts_copy (LIKE accounts)");
    }

    @Test
    void threeStreamsGiveExactlyTheRowsOfOneWithEveryAwkwardValue() throws Exception {
        Path one = flow("fidelity-one", "SELECT * FROM fidelity", "one/${mydate}/", "fidelity_one", "1");
        Path three = flow("fidelity-three", "SELECT * FROM fidelity", "three/${mydate}/", "fidelity_three", "3");

        assertThat(pipeline.run(one.toString(), "20240101").getBatchStatus()).isEqualTo(BatchStatus.COMPLETED);
        try (LogCapture log = LogCapture.of("dev.ferry.extract")) {
            assertThat(pipeline.run(three.toString(), "20240101").getBatchStatus()).isEqualTo(BatchStatus.COMPLETED);
            assertThat(log.messages()).anyMatch(m -> m.contains("3 streams over"));
        }

        assertThat(Postgres.count(pipeline.source, "SELECT count(*) FROM fidelity_three")).isEqualTo(11 * 301);
        assertThat(Postgres.count(pipeline.source, "SELECT count(*) FROM fidelity_one")).isEqualTo(11 * 301);
        assertThat(Postgres.count(pipeline.source, """
                SELECT count(*) FROM (
                  (SELECT %1$s FROM fidelity_one EXCEPT ALL SELECT %1$s FROM fidelity_three)
                  UNION ALL
                  (SELECT %1$s FROM fidelity_three EXCEPT ALL SELECT %1$s FROM fidelity_one)) differences
                """.formatted(CsvFidelityTest.AS_TEXT))).isZero();
    }

    @Test
    void streamsReadOneSnapshotWhileTheTableIsWrittenTo() throws Exception {
        Path flow = flow("accounts", "SELECT * FROM accounts", "accounts/${mydate}/", "accounts_copy", "4");
        // Transfers between accounts move row versions to other pages but never change the total: any two
        // moments of the table mixed would count some accounts twice or not at all, or change the total.
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong transfers = new AtomicLong();
        Thread writer = new Thread(() -> {
            try (Connection c = Postgres.connect(pipeline.source);
                 PreparedStatement move = c.prepareStatement("UPDATE accounts SET v = v + ? WHERE id = ?")) {
                c.setAutoCommit(false);
                while (writing.get()) {
                    int from = ThreadLocalRandom.current().nextInt(1, ACCOUNTS + 1);
                    int to = ThreadLocalRandom.current().nextInt(1, ACCOUNTS + 1);
                    move.setInt(1, -1);
                    move.setInt(2, from);
                    move.executeUpdate();
                    move.setInt(1, 1);
                    move.setInt(2, to);
                    move.executeUpdate();
                    c.commit();
                    transfers.incrementAndGet();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        try (LogCapture log = LogCapture.of("dev.ferry.extract")) {
            Await.until("the writer's first 200 transfers", Duration.ofSeconds(30), () -> transfers.get() >= 200);
            assertThat(pipeline.run(flow.toString(), "20240101").getBatchStatus()).isEqualTo(BatchStatus.COMPLETED);
            assertThat(log.messages()).anyMatch(m -> m.contains("4 streams over"));
        } finally {
            writing.set(false);
            writer.join();
        }

        assertThat(transfers.get()).as("the table was written to").isGreaterThan(200);
        assertThat(Postgres.count(pipeline.source, "SELECT count(*) FROM accounts_copy")).isEqualTo(ACCOUNTS);
        assertThat(Postgres.count(pipeline.source, "SELECT count(DISTINCT id) FROM accounts_copy")).isEqualTo(ACCOUNTS);
        assertThat(Postgres.count(pipeline.source, "SELECT sum(v) FROM accounts_copy")).as("the total of one moment")
                .isEqualTo(100L * ACCOUNTS);
    }

    @Test
    void aJoinIsSplitByTheColumnItNamesAndStillGivesOneSnapshotsRows() throws Exception {
        Postgres.execute(pipeline.source, "CREATE TABLE owners (id int, name text)",
                "INSERT INTO owners SELECT i, 'owner ' || i FROM generate_series(1, " + ACCOUNTS + ") i",
                "CREATE TABLE owned (id int, v int, pad text, name text)");
        Path flow = FlowFile.named("owned")
                .step("extract", "extract", "database", "source", "query",
                        "SELECT a.id, a.v, a.pad, o.name FROM accounts a JOIN owners o ON o.id = a.id", "target", "owned/${mydate}/",
                        "parallel", "3", "splitBy", "id")
                .step("load", "load", "database", "warehouse", "table", "owned", "source", "owned/${mydate}/", "mode", "truncate")
                .writeTo(pipeline.dir());

        try (LogCapture log = LogCapture.of("dev.ferry.extract")) {
            assertThat(pipeline.run(flow.toString(), "20240101").getBatchStatus()).isEqualTo(BatchStatus.COMPLETED);
            assertThat(log.messages()).anyMatch(m -> m.contains("3 streams over ranges of id (integer)"));
        }

        assertThat(Postgres.count(pipeline.source, "SELECT count(*) FROM owned")).isEqualTo(ACCOUNTS);
        assertThat(Postgres.count(pipeline.source, "SELECT count(*) FROM ((SELECT a.id, a.v, a.pad, o.name FROM accounts a"
                + " JOIN owners o ON o.id = a.id EXCEPT ALL SELECT * FROM owned) UNION ALL (SELECT * FROM owned EXCEPT ALL"
                + " SELECT a.id, a.v, a.pad, o.name FROM accounts a JOIN owners o ON o.id = a.id)) d")).isZero();
    }

    @Test
    void noMoreStreamsThanThePoolHasConnectionsToSpare() throws Exception {
        pipeline.config.database("small", pipeline.source).set("ferry.db.small.pool-size", "2");
        Path flow = FlowFile.named("small-pool")
                .step("extract", "extract", "database", "small", "query", "SELECT * FROM accounts", "target", "small/${mydate}/",
                        "parallel", "4")
                .step("load", "load", "database", "warehouse", "table", "accounts_copy", "source", "small/${mydate}/", "mode", "truncate")
                .writeTo(pipeline.dir());

        try (LogCapture log = LogCapture.of("dev.ferry.extract")) {
            assertThat(pipeline.run(flow.toString(), "20240101").getBatchStatus()).isEqualTo(BatchStatus.COMPLETED);
            assertThat(log.messages()).anyMatch(m -> m.contains("2 stream(s), not 4: the database's pool has 1 connection(s) to spare"))
                    .anyMatch(m -> m.contains("2 streams over"));
        }
        assertThat(Postgres.count(pipeline.source, "SELECT count(*) FROM accounts_copy")).isEqualTo(ACCOUNTS);
    }

    @Test
    void aQueryThatIsNotAScanOfOneTableRunsAsOneStreamAndSaysWhy() throws Exception {
        Path flow = flow("joined", "SELECT a.* FROM accounts a JOIN accounts b ON b.id = a.id WHERE a.id <= 1000",
                "joined/${mydate}/", "accounts_copy", "4");

        try (LogCapture log = LogCapture.of("dev.ferry.extract")) {
            assertThat(pipeline.run(flow.toString(), "20240101").getBatchStatus()).isEqualTo(BatchStatus.COMPLETED);
            assertThat(log.messages()).anyMatch(m -> m.contains("one stream, not 4: the query cannot be split: its plan has a")
                    && m.contains("splitBy"));
        }
        assertThat(Postgres.count(pipeline.source, "SELECT count(*) FROM accounts_copy")).isEqualTo(1000);
    }

    private static Path flow(String name, String query, String prefix, String table, String parallel) {
        return FlowFile.named(name)
                .step("extract", "extract", "database", "source", "query", query, "target", prefix, "parallel", parallel)
                .step("load", "load", "database", "warehouse", "table", table, "source", prefix, "mode", "truncate")
                .writeTo(pipeline.dir());
    }
}
