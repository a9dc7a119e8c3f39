package dev.ferry.store;

import dev.ferry.config.Secret;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.lang.ref.SoftReference;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Objects in an S3-protocol bucket under an optional key prefix. Uploads stream in parts of
 * {@code partSize} bytes (multipart upload), so memory stays at one part whatever the object's size;
 * an upload closed without commit is aborted and leaves nothing behind.
 */
public final class S3ObjectStore implements ObjectStore {

    static final int DEFAULT_PART_SIZE = 8 * 1024 * 1024;
    /** Parts of one upload that go up at once. */
    static final int PARTS_IN_FLIGHT = 2;
    private static final int READ_AHEAD_CHUNK = 1024 * 1024;
    private static final int READ_AHEAD_CHUNKS = 8;

    private final S3Client s3;
    private final String bucket;
    private final String keyPrefix;
    private final int partSize;
    private final Secret secretKey;
    private final StoreLocation.Bucket location;
    /**
     * Part buffers that uploads have finished with, for the next upload to fill: one flow's files reuse the
     * same few buffers instead of leaving {@code PARTS_IN_FLIGHT + 1} parts of garbage each. Softly held: they are a
     * cache, and a load that runs after its extract in a small heap needs that memory more (24 MB of spares in a
     * 64 MB heap ran a load's read-ahead out of memory).
     */
    private final Deque<SoftReference<byte[]>> spareParts = new ConcurrentLinkedDeque<>();
    /** Where parts go up, for every upload of this store. */
    private final ExecutorService uploads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "ferry-s3-upload");
        thread.setDaemon(true);
        return thread;
    });

    S3ObjectStore(S3Client s3, String bucket, String keyPrefix, int partSize, Secret secretKey, String endpoint, String region,
                  String accessKey) {
        this.s3 = s3;
        this.bucket = bucket;
        this.keyPrefix = keyPrefix.isEmpty() || keyPrefix.endsWith("/") ? keyPrefix : keyPrefix + "/";
        this.partSize = partSize;
        this.secretKey = secretKey;
        this.location = new StoreLocation.Bucket(endpoint, region, bucket, this.keyPrefix, accessKey, secretKey);
    }

    @Override
    public StoreLocation location() {
        return location;
    }

    @Override
    public ObjectUpload create(String key) {
        return new MultipartUpload(fullKey(key));
    }

    @Override
    public InputStream open(String key) throws IOException {
        try {
            // The next bytes come over the network while the caller (a load's COPY) sends the ones it has.
            return new ReadAhead(s3.getObject(b -> b.bucket(bucket).key(fullKey(key))), READ_AHEAD_CHUNK, READ_AHEAD_CHUNKS,
                    "ferry-s3-read");
        } catch (NoSuchKeyException e) {
            throw new FileNotFoundException("no object " + describe(key));
        } catch (SdkException e) {
            throw failure("read " + describe(key), e);
        }
    }

    @Override
    public List<StoredObject> list(String prefix) throws IOException {
        List<StoredObject> found = new ArrayList<>();
        try {
            for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(keyPrefix + prefix)).contents()) {
                found.add(new StoredObject(o.key().substring(keyPrefix.length()), o.size()));
            }
        } catch (SdkException e) {
            throw failure("list " + describe(prefix), e);
        }
        return found;
    }

    @Override
    public List<StoredObject> listFolder(String folder) throws IOException {
        String prefix = folder.isEmpty() || folder.endsWith("/") ? folder : folder + "/";
        List<StoredObject> found = new ArrayList<>();
        try {
            // The delimiter keeps what is nested in the folder out (it comes back as common prefixes, not objects).
            for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(keyPrefix + prefix).delimiter("/")).contents()) {
                if (directlyIn(keyPrefix + prefix, o.key())) {
                    found.add(new StoredObject(o.key().substring(keyPrefix.length()), o.size()));
                }
            }
        } catch (SdkException e) {
            throw failure("list " + describe(prefix), e);
        }
        return found;
    }

    @Override
    public void discardUnfinished(String folder) throws IOException {
        String prefix = folder.isEmpty() || folder.endsWith("/") ? folder : folder + "/";
        try {
            // Without a delimiter (S3Proxy answers 501 to one here): what is nested is left out by directlyIn.
            for (software.amazon.awssdk.services.s3.model.MultipartUpload upload : s3.listMultipartUploadsPaginator(
                    b -> b.bucket(bucket).prefix(keyPrefix + prefix)).uploads()) {
                if (directlyIn(keyPrefix + prefix, upload.key())) {
                    s3.abortMultipartUpload(b -> b.bucket(bucket).key(upload.key()).uploadId(upload.uploadId()));
                }
            }
        } catch (SdkException e) {
            throw failure("discard unfinished uploads under " + describe(prefix), e);
        }
    }

    @Override
    public void delete(String key) throws IOException {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(fullKey(key)));
        } catch (SdkException e) {
            throw failure("delete " + describe(key), e);
        }
    }

    @Override
    public String describe(String key) {
        return "s3://" + bucket + "/" + keyPrefix + key;
    }

    @Override
    public void close() {
        uploads.shutdownNow();
        s3.close();
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + keyPrefix;
    }

    private byte[] sparePart() {
        for (SoftReference<byte[]> spare = spareParts.poll(); spare != null; spare = spareParts.poll()) {
            byte[] part = spare.get();
            if (part != null) {
                return part;
            }
        }
        return new byte[partSize];
    }

    /** Whether {@code key} is in {@code folder} itself: checked here too, as not every S3 server applies the delimiter. */
    private static boolean directlyIn(String folder, String key) {
        return key.startsWith(folder) && key.indexOf('/', folder.length()) < 0;
    }

    private String fullKey(String key) {
        return keyPrefix + StoreKeys.check(key);
    }

    private IOException failure(String action, SdkException e) {
        String detail = e instanceof S3Exception s3e && s3e.awsErrorDetails() != null
                ? "HTTP " + s3e.statusCode() + " " + s3e.awsErrorDetails().errorCode() + ": " + s3e.awsErrorDetails().errorMessage()
                : e.getMessage();
        String message = "cannot " + action + ": " + secretKey.scrub(detail);
        // The SDK's exception is not chained: its request details may carry credentials.
        boolean mayPass = e.retryable() || !(e instanceof S3Exception) || ((S3Exception) e).statusCode() >= 500
                || ((S3Exception) e).statusCode() == 429;
        return mayPass ? new StoreUnavailableException(message) : new IOException(message);
    }

    /**
     * An upload in parts of {@code partSize}: while one part goes up (up to {@link #PARTS_IN_FLIGHT} at once,
     * on the store's upload threads) the next is filled, so the extract does not wait for each round trip;
     * memory stays at {@code PARTS_IN_FLIGHT + 1} parts whatever the object's size.
     */
    private final class MultipartUpload extends ObjectUpload {
        private record Pending(Future<CompletedPart> part, byte[] buffer) {
        }

        private final String key;
        private final List<CompletedPart> parts = new ArrayList<>();
        private final Deque<Pending> inFlight = new ArrayDeque<>();
        private final Deque<byte[]> free = new ArrayDeque<>();
        private byte[] buffer = sparePart();
        private int filled;
        private int nextPart = 1;
        private String uploadId;
        private boolean done;

        MultipartUpload(String key) {
            this.key = key;
        }

        @Override
        public void write(int b) throws IOException {
            if (filled == buffer.length) {
                flushPart();
            }
            buffer[filled++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (filled == buffer.length) {
                    flushPart();
                }
                int n = Math.min(len, buffer.length - filled);
                System.arraycopy(b, off, buffer, filled, n);
                filled += n;
                off += n;
                len -= n;
            }
        }

        private void flushPart() throws IOException {
            try {
                if (uploadId == null) {
                    uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
                }
            } catch (SdkException e) {
                throw failure("upload s3://" + bucket + "/" + key, e);
            }
            int number = nextPart++;
            byte[] full = buffer;
            int length = filled;
            String id = uploadId;
            inFlight.add(new Pending(uploads.submit(() -> CompletedPart.builder().partNumber(number).eTag(s3.uploadPart(
                    b -> b.bucket(bucket).key(key).uploadId(id).partNumber(number),
                    RequestBody.fromInputStream(new ByteArrayInputStream(full, 0, length), length)).eTag()).build()), full));
            if (inFlight.size() >= PARTS_IN_FLIGHT) {
                awaitOldest();
            }
            buffer = free.isEmpty() ? sparePart() : free.pop();
            filled = 0;
        }

        private void awaitOldest() throws IOException {
            Pending oldest = inFlight.poll();
            try {
                parts.add(oldest.part().get());
                free.push(oldest.buffer());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof SdkException sdk) {
                    throw failure("upload s3://" + bucket + "/" + key, sdk);
                }
                throw new IOException("cannot upload s3://" + bucket + "/" + key + ": " + e.getCause().getMessage(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while uploading s3://" + bucket + "/" + key);
            }
        }

        /** The buffered bytes without a copy. */
        private RequestBody body() {
            return RequestBody.fromInputStream(new ByteArrayInputStream(buffer, 0, filled), filled);
        }

        @Override
        public void commit() throws IOException {
            try {
                if (uploadId == null) {
                    s3.putObject(b -> b.bucket(bucket).key(key), body());
                } else {
                    if (filled > 0) {
                        flushPart();
                    }
                    while (!inFlight.isEmpty()) {
                        awaitOldest();
                    }
                    s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                            .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
                }
                done = true;
                releaseBuffers();
            } catch (SdkException e) {
                throw failure("upload s3://" + bucket + "/" + key, e);
            }
        }

        /** Gives the buffers that no part in flight still reads to the store's spares. */
        private void releaseBuffers() {
            if (buffer != null) {
                spareParts.push(new SoftReference<>(buffer));
                buffer = null;
            }
            while (!free.isEmpty()) {
                spareParts.push(new SoftReference<>(free.pop()));
            }
        }

        @Override
        public void close() throws IOException {
            if (!done && uploadId != null) {
                done = true;
                inFlight.forEach(p -> p.part().cancel(true));
                inFlight.clear(); // their buffers may still be read by an upload thread: left to the collector
                releaseBuffers();
                try {
                    s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
                } catch (SdkException e) {
                    throw failure("abort the upload of s3://" + bucket + "/" + key, e);
                }
            }
            done = true;
        }
    }
}
