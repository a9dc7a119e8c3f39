package dev.ferry.store;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Where extracted partitions live: a local folder or an S3-protocol bucket (AWS S3, MinIO, Alibaba OSS).
 * Keys are relative, {@code /}-separated paths such as {@code rds/t3/20240101/part-00000.csv}.
 */
public interface ObjectStore extends AutoCloseable {

    /**
     * Starts writing an object. It becomes visible under {@code key} only on {@link ObjectUpload#commit()};
     * closing without commit discards it.
     */
    ObjectUpload create(String key) throws IOException;

    /** Streams an object's bytes. @throws java.io.FileNotFoundException when there is no such object */
    InputStream open(String key) throws IOException;

    /** Every object whose key starts with {@code prefix}, nested ones too, sorted by key. */
    List<StoredObject> list(String prefix) throws IOException;

    /**
     * The objects directly in {@code folder} (a prefix ending in {@code /}), sorted by key: none of a folder
     * nested in it. What a partition holds is what this lists; a partition whose {@code target} has no
     * {@code ${mydate}} may have other partitions nested under it, and they are not its files.
     */
    List<StoredObject> listFolder(String folder) throws IOException;

    /**
     * Discards the uploads directly in {@code folder} that were started and never committed or discarded
     * (their process was killed): a folder's hidden temporary files, a bucket's incomplete multipart uploads.
     * Uploads in folders nested in it (another extract's partition) are left alone. Call it only when no
     * upload in the folder is in progress.
     */
    void discardUnfinished(String folder) throws IOException;

    /** Deletes an object; deleting one that does not exist is not an error. */
    void delete(String key) throws IOException;

    /** Where the objects are, for a warehouse that reads them itself. */
    StoreLocation location();

    /** Where a key lives, for messages: a path or an s3:// URL. Never contains credentials. */
    String describe(String key);

    @Override
    void close();
}
