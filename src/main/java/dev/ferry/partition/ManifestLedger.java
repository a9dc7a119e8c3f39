package dev.ferry.partition;

import java.io.IOException;
import java.util.Optional;

/**
 * Where each published manifest's SHA-256 is recorded when the extract writes it, out of the store's reach:
 * the load refuses a manifest whose digest is not the one recorded, so an edited manifest (another
 * encoding, delimiter, row count or file list) is never trusted. Kept in the job repository's database
 * for runs ({@link RepositoryLedger}), in memory for a try-run's sandbox ({@link MemoryLedger}).
 */
public interface ManifestLedger {

    /** Records the digest of the manifest about to be published at {@code location} (the store's description of its key). */
    void record(String location, String sha256, Manifest manifest) throws IOException;

    /** The digest recorded for the manifest at {@code location}, if any. */
    Optional<String> recorded(String location) throws IOException;
}
