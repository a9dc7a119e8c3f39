package dev.ferry.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.partition.ManifestFile;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a load in parallel streams shares a manifest's files: whole files, about equal bytes per stream. */
class StagingStreamsTest {

    @Test
    void eachStreamTakesWholeFilesOfAboutEqualBytesLargestFirst() {
        List<ManifestFile> files = List.of(file("part-00000", 900), file("part-00001", 500), file("part-00002", 400),
                file("part-00003", 300), file("part-00004", 100));

        List<List<ManifestFile>> shares = StagingStreams.shares(files, ManifestFile::bytes, 2);

        assertThat(shares).hasSize(2);
        assertThat(shares.get(0)).extracting(ManifestFile::name).containsExactly("part-00000", "part-00003");
        assertThat(shares.get(1)).extracting(ManifestFile::name).containsExactly("part-00001", "part-00002", "part-00004");
        assertThat(shares.stream().flatMap(List::stream)).as("every file once").containsExactlyInAnyOrderElementsOf(files);
    }

    @Test
    void aStreamPerFileAtMost() {
        List<List<ManifestFile>> shares = StagingStreams.shares(List.of(file("part-00000", 10)), ManifestFile::bytes, 1);

        assertThat(shares).singleElement().satisfies(share -> assertThat(share).hasSize(1));
    }

    private static ManifestFile file(String name, long bytes) {
        return new ManifestFile(name, bytes, bytes / 10, "0".repeat(64));
    }
}
