package dev.ferry.partition;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A ledger that lives as long as one try-run: its sandbox partition is published and loaded within it. */
public final class MemoryLedger implements ManifestLedger {

    private final Map<String, String> digests = new ConcurrentHashMap<>();

    @Override
    public void record(String location, String sha256, Manifest manifest) {
        digests.put(location, sha256);
    }

    @Override
    public Optional<String> recorded(String location) {
        return Optional.ofNullable(digests.get(location));
    }
}
