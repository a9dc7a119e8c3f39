package dev.ferry.store;

import dev.ferry.config.Settings;
import dev.ferry.config.Secret;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.microprofile.config.Config;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * The {@code ferry.store.*} settings and the store they open.
 *
 * @param url        {@code file:PATH} or {@code s3://BUCKET[/PREFIX]}
 * @param endpoint   S3 endpoint URL; empty for AWS's own (e.g. {@code https://oss-cn-hangzhou.aliyuncs.com})
 * @param region     S3 region; OSS and MinIO accept any
 * @param accessKey  access key id; empty to use the AWS default credential chain
 * @param secretKey  secret access key
 * @param pathStyle  {@code true} for MinIO and S3Proxy, {@code false} for AWS and OSS
 * @param maxAttempts attempts of each S3 request before the SDK gives up (the step's own retries come after)
 */
public record StoreSettings(String url, String endpoint, String region, String accessKey, Secret secretKey,
                            boolean pathStyle, int maxAttempts) {

    public static final String DEFAULT_URL = "file:./ferry-data/store";

    public static StoreSettings from(Config config) {
        return new StoreSettings(
                config.getOptionalValue("ferry.store.url", String.class).orElse(DEFAULT_URL),
                config.getOptionalValue("ferry.store.s3.endpoint", String.class).orElse(""),
                config.getOptionalValue("ferry.store.s3.region", String.class).orElse("us-east-1"),
                config.getOptionalValue("ferry.store.s3.access-key", String.class).orElse(""),
                Secret.of(config.getOptionalValue("ferry.store.s3.secret-key", String.class).orElse("")),
                Settings.flag(config, "ferry.store.s3.path-style", false),
                Settings.wholeNumber(config, "ferry.store.s3.max-attempts", 3, 1, 100));
    }

    /** Opens the store the URL names. @throws IllegalArgumentException naming the key when the URL is unusable */
    public ObjectStore open() {
        if (url.startsWith("file:")) {
            return new FileObjectStore(Path.of(url.substring("file:".length())));
        }
        if (url.startsWith("s3://")) {
            String rest = url.substring("s3://".length());
            int slash = rest.indexOf('/');
            String bucket = slash < 0 ? rest : rest.substring(0, slash);
            String prefix = slash < 0 ? "" : rest.substring(slash + 1);
            if (bucket.isEmpty()) {
                throw new IllegalArgumentException("ferry.store.url '" + url + "' names no bucket: write s3://BUCKET[/PREFIX]");
            }
            return new S3ObjectStore(s3Client(), bucket, prefix, S3ObjectStore.DEFAULT_PART_SIZE, secretKey, endpoint, region, accessKey);
        }
        throw new IllegalArgumentException("ferry.store.url '" + url + "' is neither file:PATH nor s3://BUCKET[/PREFIX]");
    }

    private S3Client s3Client() {
        S3ClientBuilder builder = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofMinutes(2)))
                .region(Region.of(region))
                .forcePathStyle(pathStyle)
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(Math.max(1, maxAttempts))))
                // OSS and older MinIO reject the SDK's default CRC checksums on uploads.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (!endpoint.isBlank()) {
            try {
                builder.endpointOverride(URI.create(endpoint));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("ferry.store.s3.endpoint '" + endpoint + "' is not a URL, e.g. https://oss-cn-hangzhou.aliyuncs.com");
            }
        }
        builder.credentialsProvider(accessKey.isBlank()
                ? DefaultCredentialsProvider.builder().build()
                : StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey.reveal())));
        return builder.build();
    }
}
