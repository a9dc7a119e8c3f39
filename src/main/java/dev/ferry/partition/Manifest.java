package dev.ferry.partition;

import java.time.Instant;
import java.util.List;

/**
 * {@code _manifest.json}: what an extract published for one business date. It is written last, so a
 * partition without one is incomplete, and the load trusts no file it does not list.
 *
 * @param prefix where it was published, e.g. {@code rds/t3/20240101/} (null in version 1): a prefix copied
 *               elsewhere by hand is told apart by it
 * @param rows   data rows in all files (headers not counted)
 * @param files  the data files, in load order
 */
public record Manifest(int version, String flow, String step, String mydate, String prefix, String database, String query,
                       String delimiter, String encoding, boolean header, String compression,
                       long rows, long bytes, List<ManifestFile> files, Instant startedAt, Instant finishedAt) {

    public static final int CURRENT_VERSION = 2;

    public Manifest {
        files = List.copyOf(files);
    }
}
