package dev.ferry.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.store.ObjectStore;
import dev.ferry.store.StoredObject;
import dev.ferry.testing.FlowFile;
import dev.ferry.testing.PerClassDatabases;
import dev.ferry.testing.Pipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * purge --partitions deletes an old partition's manifest and the files it lists, and nothing else: not the
 * partitions nested under a {@code target} without {@code ${mydate}}, nor files that are not Ferry's.
 */
@ExtendWith(PerClassDatabases.class)
class PurgePartitionsTest {

    static Pipeline pipeline;
    static Path flows;

    @BeforeAll
    static void setUp(Pipeline created) throws IOException {
        pipeline = created;
        pipeline.createReferenceTables(10);
        flows = pipeline.flowsFolder();
        FlowFile.named("flat").step("extract", "extract", "database", "source", "query", "SELECT * FROM t_src WHERE c = DATE '${mydate}'",
                "target", "exports/orders/").writeTo(flows);
        FlowFile.named("dated").step("extract", "extract", "database", "source", "query", "SELECT * FROM t_src WHERE c = DATE '${mydate}'",
                "target", "exports/orders/${mydate}/").writeTo(flows);
    }

    @Test
    void anOldPartitionWithoutADateTakesOnlyItsOwnFilesAndSaysWhatItLeft() throws IOException {
        assertThat(pipeline.cli("run", "flat", "-d", "20240101").exitCode()).isZero();
        assertThat(pipeline.cli("run", "dated", "-d", "20240102").exitCode()).isZero();
        Path flat = pipeline.dir().resolve("store/exports/orders");
        Files.writeString(flat.resolve("README.txt"), "orders exported for the finance team");
        Path manifest = flat.resolve("_manifest.json");
        String old = Instant.now().minus(Duration.ofDays(100)).toString();
        Files.writeString(manifest, Pattern.compile("(\"finishedAt\"\\s*:\\s*)\"[^\"]+\"").matcher(Files.readString(manifest))
                .replaceFirst("$1\"" + old + "\""));

        Pipeline.CliResult purge = pipeline.cli("purge", "--older-than", "90d", "--partitions");

        assertThat(purge.out()).contains("removed partition " + flat + ": its manifest and 1 file(s); left 3 other object(s) there:")
                .contains("README.txt").contains("20240102/_manifest.json").contains("removed 1 partition(s)");
        try (ObjectStore store = pipeline.store()) {
            assertThat(store.list("exports/orders/").stream().map(StoredObject::key)).containsExactly(
                    "exports/orders/20240102/_manifest.json", "exports/orders/20240102/part-00000.csv", "exports/orders/README.txt");
        }
    }
}
