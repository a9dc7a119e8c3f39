package dev.ferry.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.store.ObjectStore;
import dev.ferry.store.StoredObject;
import dev.ferry.testing.Pipeline;
import dev.ferry.testing.Postgres;
import dev.ferry.testing.S3Server;
import dev.ferry.testing.TestFlows;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows stream from COPY to the store and back: a run moves far more data than its heap could hold, and
 * an object larger than one upload part goes to S3 as a multipart upload.
 */
class StreamingTest {

    static final int ROWS = 700_000; // about 120 MB of CSV
    static Pipeline pipeline;
    static S3Server s3;

    @BeforeAll
    static void setUp(@TempDir Path dir) throws Exception {
        s3 = new S3Server();
        pipeline = new Pipeline(dir).withS3Store(s3, "streaming");
        Postgres.execute(pipeline.source, "CREATE TABLE big (id int, payload text)",
                "INSERT INTO big SELECT i, repeat(md5(i::text), 5) FROM generate_series(1, " + ROWS + ") i");
        Postgres.execute(pipeline.warehouse, "CREATE TABLE big_copy (id int, payload text)");
    }

    @AfterAll
    static void tearDown() throws Exception {
        pipeline.close();
        s3.close();
    }

    @Test
    void aRunMovesMoreDataThanItsHeapCouldHold() throws Exception {
        Process process = pipeline.ferryProcess(List.of("-Xmx64m"), "run", TestFlows.path("big"), "--date", "20240101").start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        System.out.print(output);

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).doesNotContain("OutOfMemoryError");
        assertThat(Postgres.count(pipeline.warehouse, "SELECT count(*) FROM big_copy")).isEqualTo(ROWS);
        try (ObjectStore store = pipeline.store()) {
            List<StoredObject> parts = store.list("big/20240101/part-");
            assertThat(parts).hasSize(1);
            assertThat(parts.get(0).size()).as("larger than the heap, and than one 8 MiB upload part").isGreaterThan(100_000_000L);
        }
    }
}
