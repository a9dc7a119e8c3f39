package dev.ferry.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.partition.Manifest;
import dev.ferry.partition.Partition;
import dev.ferry.store.ObjectStore;
import dev.ferry.testing.PerClassDatabases;
import dev.ferry.testing.Pipeline;
import dev.ferry.testing.Postgres;
import dev.ferry.testing.TestFlows;
import jakarta.batch.runtime.BatchStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A large extract splits into gzip parts at row boundaries, each with its header, and loads back whole. */
@ExtendWith(PerClassDatabases.class)
class SplitAndGzipTest {

    static Pipeline pipeline;

    @BeforeAll
    static void createTables(Pipeline created) {
        pipeline = created;
        // Notes with line breaks and quotes: a split at a raw newline inside a quoted value would break rows.
        Postgres.execute(pipeline.source,
                "CREATE TABLE wide (id int, note text, c date)",
                "INSERT INTO wide SELECT i, 'row ' || i || E'\\nsecond line, \"quoted\" | piped' || repeat('x', i % 50),"
                        + " DATE '2024-03-10' FROM generate_series(1, 5000) i",
                "INSERT INTO wide SELECT i, 'other day', DATE '2024-03-11' FROM generate_series(1, 10) i");
        Postgres.execute(pipeline.warehouse, "CREATE TABLE wide_copy (id int, note text, c date)");
    }

    @Test
    void splitsIntoGzipPartsThatEachStartWithTheHeaderAndLoadsThemAll() throws IOException {
        assertThat(run(50_000)).isEqualTo(BatchStatus.COMPLETED);

        List<String> names = partNames();
        assertThat(names).hasSizeGreaterThan(3).allMatch(n -> n.matches("part-\\d{5}\\.csv\\.gz"));
        for (String name : names) {
            assertThat(firstLine(name)).isEqualTo("id|note|c");
        }
        Manifest manifest = manifest();
        assertThat(manifest.rows()).isEqualTo(5000);
        assertThat(manifest.compression()).isEqualTo("gzip");
        assertThat(manifest.files()).extracting(f -> f.rows()).allMatch(rows -> rows > 0);
        // Each file but the last is full (about 50,000 bytes of ~75-byte rows), none a one-row leftover.
        List<Long> rows = manifest.files().stream().map(f -> f.rows()).toList();
        assertThat(rows.subList(0, rows.size() - 1)).allMatch(r -> r > 500, "a full file's rows");
        assertThat(rows.size()).as("files for 5000 rows of ~75 bytes in 50,000-byte files").isLessThanOrEqualTo(9);
        assertThat(Postgres.count(pipeline.warehouse, "SELECT count(*) FROM wide_copy")).isEqualTo(5000);
        assertThat(Postgres.count(pipeline.warehouse,
                "SELECT count(*) FROM wide_copy WHERE note LIKE 'row %' || E'\\nsecond line, \"quoted\" | piped%'")).isEqualTo(5000);
    }

    @Test
    void aRerunWithFewerPartsLeavesNoPartOfTheEarlierRunBehind() {
        run(20_000);
        int before = partNames().size();

        assertThat(run(0)).isEqualTo(BatchStatus.COMPLETED);

        assertThat(before).isGreaterThan(1);
        assertThat(partNames()).containsExactly("part-00000.csv.gz");
        assertThat(Postgres.count(pipeline.warehouse, "SELECT count(*) FROM wide_copy")).isEqualTo(5000);
    }

    private static BatchStatus run(long maxBytes) {
        return pipeline.run(TestFlows.path("split-gzip"), Map.of("mydate", "20240310", "maxBytes", String.valueOf(maxBytes)))
                .getBatchStatus();
    }

    private static List<String> partNames() {
        try (ObjectStore store = pipeline.store()) {
            return store.list("wide/20240310/").stream()
                    .map(o -> o.key().substring("wide/20240310/".length()))
                    .filter(n -> !n.equals(Partition.MANIFEST)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Manifest manifest() throws IOException {
        try (ObjectStore store = pipeline.store()) {
            return new Partition(store, "wide/20240310/").readManifest().orElseThrow();
        }
    }

    private static String firstLine(String name) throws IOException {
        try (ObjectStore store = pipeline.store(); InputStream in = new GZIPInputStream(store.open("wide/20240310/" + name))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElse("");
        }
    }
}
