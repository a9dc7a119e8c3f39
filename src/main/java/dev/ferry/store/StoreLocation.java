package dev.ferry.store;

import dev.ferry.config.Secret;
import java.nio.file.Path;

/**
 * Where a store keeps its objects, for a warehouse that reads them itself ({@code method external}): a folder
 * the warehouse's server may see, or a bucket it can reach with the store's credentials.
 */
public sealed interface StoreLocation {

    /** @param root the folder of key {@code ""}, absolute */
    record Folder(Path root) implements StoreLocation {
        /** The file of {@code key} under {@code root}, as another machine or process that sees the folder at {@code root} names it. */
        public String path(Path root, String key) {
            return root.resolve(StoreKeys.check(key)).toString();
        }
    }

    /**
     * @param endpoint  the S3 endpoint URL; empty for AWS's own
     * @param keyPrefix what every key is under in the bucket, empty or ending in {@code /}
     * @param accessKey empty when the SDK's default credential chain is used (then the warehouse needs keys of its own)
     */
    record Bucket(String endpoint, String region, String bucket, String keyPrefix, String accessKey, Secret secretKey)
            implements StoreLocation {
        /** The object's key in the bucket. */
        public String objectKey(String key) {
            return keyPrefix + StoreKeys.check(key);
        }

        @Override
        public String toString() {
            return "s3://" + bucket + "/" + keyPrefix + (endpoint.isEmpty() ? "" : " at " + endpoint);
        }
    }
}
