package dev.ferry.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.store.ObjectStore;
import dev.ferry.testing.PerClassDatabases;
import dev.ferry.testing.Pipeline;
import dev.ferry.testing.Postgres;
import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** ferry purge removes old history, and staged partitions when asked, and keeps the rest. */
@ExtendWith(PerClassDatabases.class)
class PurgeTest {

    static Pipeline pipeline;

    @BeforeAll
    static void setUp(Pipeline created) {
        pipeline = created;
        pipeline.createReferenceTables(10);
    }

    @Test
    void removesExecutionsOlderThanTheCutOffThenPartitions() throws IOException {
        assertThat(pipeline.cli("run", "rds-to-adb", "-d", "20240101").exitCode()).isZero();
        assertThat(pipeline.cli("run", "rds-to-adb", "-d", "20240102").exitCode()).isZero();
        Postgres.execute(pipeline.repository, "UPDATE job_execution SET endtime = now() - interval '100 days'"
                + " WHERE jobexecutionid = (SELECT min(jobexecutionid) FROM job_execution)");

        Postgres.execute(pipeline.repository, "INSERT INTO ferry_notice (event, flow, mydate, body, recorded_at, state, next_at) VALUES"
                + " ('late', 'old', '20240101', '{}', now() - interval '100 days', 'sent', now()),"
                + " ('late', 'watched', '20240102', '{}', now() - interval '1 day', 'sent', now()),"
                + " ('failed', 'unsent', '20240101', '{}', now() - interval '100 days', 'pending', now())");

        Pipeline.CliResult purge = pipeline.cli("purge", "--older-than", "90d");

        assertThat(purge.out()).contains("removed 1 execution(s)").contains("removed 1 notice(s)");
        assertThat(Postgres.count(pipeline.repository, "SELECT count(*) FROM ferry_notice WHERE flow IN ('watched', 'unsent')"))
                .as("a recent late record and a notice still to send are kept").isEqualTo(2);
        assertThat(Postgres.count(pipeline.repository, "SELECT count(*) FROM job_execution")).isEqualTo(1);
        assertThat(Postgres.count(pipeline.repository, "SELECT count(*) FROM ferry_claim")).as("claims are kept").isEqualTo(2);
        assertThat(pipeline.cli("executions").out()).contains("20240102").doesNotContain("20240101");

        Pipeline.CliResult all = pipeline.cli("purge", "--older-than", "0d", "--partitions");

        assertThat(all.out()).contains("removed 2 partition(s)").as("never the notices of the last two days").contains("removed 0 notice(s)");
        try (ObjectStore store = pipeline.store()) {
            assertThat(store.list("rds/")).isEmpty();
        }
        assertThat(pipeline.cli("purge", "--older-than", "ninety").err()).contains("not a number of days");
    }
}
