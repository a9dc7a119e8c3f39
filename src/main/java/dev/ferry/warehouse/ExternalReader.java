package dev.ferry.warehouse;

import dev.ferry.partition.ManifestFile;
import java.util.List;

/**
 * A foreign or external table over some of a partition's files, made, read with {@code INSERT ... SELECT} and dropped
 * inside one transaction of a load.
 *
 * @param create   what makes it (a server and user mapping of its own where the dialect needs keys)
 * @param relation what the load selects from
 * @param drop     what removes it, in the same transaction
 * @param files    the files it reads: the rows it gives must be theirs
 */
public record ExternalReader(List<Sql> create, String relation, List<Sql> drop, List<ManifestFile> files) {

    public ExternalReader {
        create = List.copyOf(create);
        drop = List.copyOf(drop);
        files = List.copyOf(files);
    }

    public long rows() {
        return files.stream().mapToLong(ManifestFile::rows).sum();
    }

    public long bytes() {
        return files.stream().mapToLong(ManifestFile::bytes).sum();
    }
}
