package dev.ferry.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.Pipeline;
import dev.ferry.testing.Postgres;
import dev.ferry.testing.S3Server;
import jakarta.batch.runtime.BatchStatus;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The reference flow rds-to-adb moves exactly one business date, through a folder or an S3 bucket. */
class ReferenceFlowTest {

    static final int ROWS_PER_DAY = 500;

    abstract static class Behaviour {
        Pipeline pipeline;

        @BeforeEach
        void emptyTarget() {
            Postgres.execute(pipeline.warehouse, "TRUNCATE t_target");
        }

        @Test
        void loadsExactlyTheSourceRowsOfTheBusinessDateAndLeavesOtherDaysAlone() {
            Postgres.execute(pipeline.warehouse, "INSERT INTO t_target VALUES (1, 1, DATE '2023-12-31'), (2, 2, DATE '2024-01-03')");

            assertThat(pipeline.run("rds-to-adb", "20240102").getBatchStatus()).isEqualTo(BatchStatus.COMPLETED);

            assertThat(pipeline.targetRows("2024-01-02")).isEqualTo(ROWS_PER_DAY);
            assertThat(Postgres.count(pipeline.warehouse,
                    "SELECT count(*) FROM (SELECT * FROM t_target WHERE c = DATE '2024-01-02') t")).isEqualTo(ROWS_PER_DAY);
            assertThat(pipeline.targetRows("2023-12-31")).isEqualTo(1);
            assertThat(pipeline.targetRows("2024-01-03")).isEqualTo(1);
            assertThat(pipeline.targetRows("2024-01-01")).isZero();
        }

        @Test
        void aRerunOfTheSameDateReplacesItsRowsInsteadOfDuplicatingThem() {
            pipeline.run("rds-to-adb", "20240101");
            assertThat(pipeline.run("rds-to-adb", "20240101").getBatchStatus()).isEqualTo(BatchStatus.COMPLETED);

            assertThat(pipeline.targetRows("2024-01-01")).isEqualTo(ROWS_PER_DAY);
        }

        @Test
        void twoDatesAreBothThere() {
            pipeline.run("rds-to-adb", "20240101");
            pipeline.run("rds-to-adb", "20240103");

            assertThat(pipeline.targetRows("2024-01-01")).isEqualTo(ROWS_PER_DAY);
            assertThat(pipeline.targetRows("2024-01-03")).isEqualTo(ROWS_PER_DAY);
        }

        @Test
        void theSourceRowsAndTheTargetRowsAreTheSameRows() {
            pipeline.run("rds-to-adb", "20240103");
            Postgres.execute(pipeline.warehouse, "CREATE EXTENSION IF NOT EXISTS dblink");
            assertThat(Postgres.count(pipeline.warehouse, """
                    SELECT count(*) FROM (
                      (SELECT * FROM dblink('%s', 'SELECT a, b, c FROM t_src WHERE c = DATE ''2024-01-03''')
                         AS s(a int, b int, c date)
                       EXCEPT ALL SELECT * FROM t_target WHERE c = DATE '2024-01-03')
                      UNION ALL
                      (SELECT * FROM t_target WHERE c = DATE '2024-01-03' EXCEPT ALL
                       SELECT * FROM dblink('%s', 'SELECT a, b, c FROM t_src WHERE c = DATE ''2024-01-03''')
                         AS s(a int, b int, c date))) d
                    """.formatted(dbname(pipeline.source), dbname(pipeline.source)))).isZero();
        }

        private static String dbname(String url) {
            return "host=127.0.0.1 user=postgres dbname=" + url.substring(url.lastIndexOf('/') + 1);
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class ThroughAFolder extends Behaviour {
        @BeforeAll
        void setUp(@TempDir Path dir) {
            pipeline = new Pipeline(dir);
            pipeline.createReferenceTables(ROWS_PER_DAY);
        }

        @AfterAll
        void tearDown() {
            pipeline.close();
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class ThroughAnS3Bucket extends Behaviour {
        S3Server s3;

        @BeforeAll
        void setUp(@TempDir Path dir) throws Exception {
            s3 = new S3Server();
            pipeline = new Pipeline(dir).withS3Store(s3, "warehouse-staging");
            pipeline.createReferenceTables(ROWS_PER_DAY);
        }

        @AfterAll
        void tearDown() throws Exception {
            pipeline.close();
            s3.close();
        }
    }
}
