package dev.ferry.partition;

import dev.ferry.store.ObjectStore;
import dev.ferry.store.ObjectUpload;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.JsonbException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import java.util.Optional;
import java.util.regex.Pattern;

/** One business date's folder in the store, e.g. {@code rds/t3/20240101/}: its data files and its manifest. */
public record Partition(ObjectStore store, String prefix) {

    public static final String MANIFEST = "_manifest.json";
    private static final Pattern DATA_FILE = Pattern.compile("part-\\d{5}\\.csv(\\.gz)?");

    /** Whether a file name within a partition is one of Ferry's data files, {@code part-NNNNN.csv[.gz]}. */
    public static boolean isDataFile(String name) {
        return DATA_FILE.matcher(name).matches();
    }

    public Partition {
        if (prefix == null || prefix.isBlank()) {
            throw new IllegalArgumentException("a partition needs a store prefix such as rds/t3/${mydate}/");
        }
        prefix = prefix.endsWith("/") ? prefix : prefix + "/";
    }

    public String key(String fileName) {
        return prefix + fileName;
    }

    public String describe() {
        return store.describe(prefix);
    }

    /** A manifest as it was read, with the SHA-256 of its bytes. */
    public record Published(Manifest manifest, String sha256) {
    }

    /** The manifest, or empty when the partition was never published (or is being replaced). */
    public Optional<Manifest> readManifest() throws IOException {
        return readPublished().map(Published::manifest);
    }

    /** The manifest and the digest of its bytes, or empty when the partition was never published. */
    public Optional<Published> readPublished() throws IOException {
        try (InputStream in = store.open(key(MANIFEST)); Jsonb jsonb = JsonbBuilder.create()) {
            byte[] bytes = in.readAllBytes();
            return Optional.of(new Published(jsonb.fromJson(new String(bytes, StandardCharsets.UTF_8), Manifest.class), FileDigest.sha256(bytes)));
        } catch (FileNotFoundException e) {
            return Optional.empty();
        } catch (JsonbException e) {
            throw new IOException(store.describe(key(MANIFEST)) + " is not a valid manifest: " + e.getMessage());
        } catch (Exception e) {
            if (e instanceof IOException io) {
                throw io;
            }
            throw new IOException("cannot read " + store.describe(key(MANIFEST)) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Publishes the partition: the manifest is the last object written, and its digest is recorded in
     * {@code ledger} before it is, so that the load can tell it from an edited one.
     */
    public void writeManifest(Manifest manifest, ManifestLedger ledger) throws IOException {
        byte[] json;
        try (Jsonb jsonb = JsonbBuilder.create(new JsonbConfig().withFormatting(true))) {
            json = jsonb.toJson(manifest).getBytes(StandardCharsets.UTF_8);
        } catch (Exception e) {
            throw new IOException("cannot write the manifest of " + describe() + ": " + e.getMessage(), e);
        }
        ledger.record(manifestLocation(), FileDigest.sha256(json), manifest);
        try (ObjectUpload out = store.create(key(MANIFEST))) {
            out.write(json);
            out.commit();
        }
    }

    /** Where the manifest is, as the ledger knows it: the store's description of its key. */
    public String manifestLocation() {
        return store.describe(key(MANIFEST));
    }

    /** Unpublishes the partition before its files are replaced, so no reader trusts a half-written one. */
    public void deleteManifest() throws IOException {
        store.delete(key(MANIFEST));
    }
}
