package dev.ferry.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.partition.Partition;
import dev.ferry.store.ObjectStore;
import dev.ferry.testing.PerClassDatabases;
import dev.ferry.testing.Pipeline;
import dev.ferry.testing.Postgres;
import java.io.IOException;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** ferry backfill: ten dates three at a time, one failing, then resumed; and a reload from staged files. */
@ExtendWith(PerClassDatabases.class)
class BackfillTest {

    static Pipeline pipeline;

    @BeforeAll
    static void setUp(Pipeline created) {
        pipeline = created;
        Postgres.execute(pipeline.source, "CREATE TABLE t_src (a int, b int, c date)",
                "INSERT INTO t_src SELECT d * 1000 + i, i, DATE '2024-02-01' + d FROM generate_series(0, 9) d, generate_series(1, 30) i");
        // The warehouse refuses 5 February until the constraint is dropped: that date's load fails.
        Postgres.execute(pipeline.warehouse, "CREATE TABLE t_target (a int, b int, c date CHECK (c <> DATE '2024-02-05'))");
    }

    @Test
    void tenDatesThreeAtATimeOneFailingThenResumedRunsOnlyWhatIsLeft() throws IOException {
        Pipeline.CliResult first = pipeline.cli("backfill", "rds-to-adb", "--from", "20240201", "--to", "20240210",
                "--parallel", "3", "--continue-on-failure");

        assertThat(first.exitCode()).isEqualTo(1);
        assertThat(first.out()).containsPattern("20240205\\s+started\\s+\\d+\\s+FAILED").contains("9 of 10 date(s) done");
        assertThat(Postgres.count(pipeline.warehouse, "SELECT count(DISTINCT c) FROM t_target")).isEqualTo(9);
        Instant stagedAt = manifestStartedAt("20240205");

        Postgres.execute(pipeline.warehouse, "ALTER TABLE t_target DROP CONSTRAINT t_target_c_check");
        Pipeline.CliResult resumed = pipeline.cli("backfill", "rds-to-adb", "--from", "20240201", "--to", "20240210", "--parallel", "3");

        assertThat(resumed.exitCode()).isZero();
        assertThat(resumed.out()).containsPattern("20240205\\s+restarted \\d+\\s+\\d+\\s+COMPLETED")
                .containsPattern("20240201\\s+skipped: completed").contains("10 of 10 date(s) done");
        assertThat(resumed.out().lines().filter(l -> l.contains("skipped: completed")).count()).isEqualTo(9);
        assertThat(Postgres.count(pipeline.warehouse, "SELECT count(*) FROM t_target")).isEqualTo(300);
        assertThat(manifestStartedAt("20240205")).as("the restart loaded the staged files").isEqualTo(stagedAt);
    }

    @Test
    void stepsLoadReloadsFromTheStagedFilesWithoutExtractingAgain() throws IOException {
        assertThat(pipeline.cli("backfill", "rds-to-adb", "--from", "20240209", "--to", "20240210").exitCode()).isZero();
        Instant stagedAt = manifestStartedAt("20240210");
        Postgres.execute(pipeline.warehouse, "DELETE FROM t_target WHERE c = DATE '2024-02-10'");

        Pipeline.CliResult reload = pipeline.cli("backfill", "rds-to-adb", "--from", "20240210", "--to", "20240210",
                "--steps", "load", "--force", "--order", "desc");

        assertThat(reload.exitCode()).isZero();
        assertThat(reload.out()).containsPattern("20240210\\s+started \\(forced\\)\\s+\\d+\\s+COMPLETED");
        assertThat(Postgres.count(pipeline.warehouse, "SELECT count(*) FROM t_target WHERE c = DATE '2024-02-10'")).isEqualTo(30);
        assertThat(manifestStartedAt("20240210")).isEqualTo(stagedAt);
    }

    @Test
    void withoutContinueOnFailureNoDateStartsAfterOneFailed() {
        Postgres.execute(pipeline.warehouse, "ALTER TABLE t_target ADD CONSTRAINT no_seventh CHECK (c <> DATE '2024-02-07')");
        try {
            Pipeline.CliResult result = pipeline.cli("backfill", "rds-to-adb", "--from", "20240206", "--to", "20240208", "--force");

            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.out()).containsPattern("20240206\\s+started \\(forced\\)\\s+\\d+\\s+COMPLETED")
                    .containsPattern("20240207\\s+started \\(forced\\)\\s+\\d+\\s+FAILED")
                    .containsPattern("20240208\\s+not started: an earlier date failed");
        } finally {
            Postgres.execute(pipeline.warehouse, "ALTER TABLE t_target DROP CONSTRAINT no_seventh");
        }
    }

    @Test
    void aBadRangeStartsNothing() {
        Pipeline.CliResult result = pipeline.cli("backfill", "rds-to-adb", "--from", "20240210", "--to", "20240201");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--from 20240210 is after --to 20240201");
    }

    private static Instant manifestStartedAt(String mydate) throws IOException {
        try (ObjectStore store = pipeline.store()) {
            return new Partition(store, "rds/t3/" + mydate + "/").readManifest().orElseThrow().startedAt();
        }
    }
}
