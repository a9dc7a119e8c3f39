package dev.ferry.store;

import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import dev.ferry.config.Secret;
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

    private final S3Client s3;
    private final String bucket;
    private final String keyPrefix;
    private final int partSize;
    private final Secret secretKey;

    S3ObjectStore(S3Client s3, String bucket, String keyPrefix, int partSize, Secret secretKey) {
        this.s3 = s3;
        this.bucket = bucket;
        this.keyPrefix = keyPrefix.isEmpty() || keyPrefix.endsWith("/") ? keyPrefix : keyPrefix + "/";
        this.partSize = partSize;
        this.secretKey = secretKey;
    }

    @Override
    public ObjectUpload create(String key) {
        return new MultipartUpload(fullKey(key));
    }

    @Override
    public InputStream open(String key) throws IOException {
        try {
            return s3.getObject(b -> b.bucket(bucket).key(fullKey(key)));
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
    public void discardUnfinished(String prefix) throws IOException {
        try {
            for (software.amazon.awssdk.services.s3.model.MultipartUpload upload : s3.listMultipartUploadsPaginator(b -> b.bucket(bucket).prefix(keyPrefix + prefix)).uploads()) {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(upload.key()).uploadId(upload.uploadId()));
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
        s3.close();
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + keyPrefix;
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

    private final class MultipartUpload extends ObjectUpload {
        private final String key;
        private final byte[] buffer = new byte[partSize];
        private final List<CompletedPart> parts = new ArrayList<>();
        private int filled;
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
                int number = parts.size() + 1;
                String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number), body()).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                filled = 0;
            } catch (SdkException e) {
                throw failure("upload s3://" + bucket + "/" + key, e);
            }
        }

        /** The buffered bytes without a copy: the buffer is reused once the request is done. */
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
                    s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                            .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
                }
                done = true;
            } catch (SdkException e) {
                throw failure("upload s3://" + bucket + "/" + key, e);
            }
        }

        @Override
        public void close() throws IOException {
            if (!done && uploadId != null) {
                done = true;
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
