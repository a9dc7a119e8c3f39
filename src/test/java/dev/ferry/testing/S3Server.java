package dev.ferry.testing;

import java.net.URI;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/** A real S3-protocol server (S3Proxy over an in-memory blob store) on a free local port. */
public final class S3Server implements AutoCloseable {

    public static final String ACCESS_KEY = "ferry-test-access-key";
    public static final String SECRET_KEY = "ferry-test-secret-Kq83jd";

    private final BlobStoreContext context;
    private final S3Proxy proxy;

    public S3Server() throws Exception {
        this(0);
    }

    /** On {@code port}, or a free one when 0. */
    public S3Server(int port) throws Exception {
        this(port, true);
    }

    /** Without authentication, for tests that put a proxy of their own in front, which changes the signed Host. */
    public static S3Server withoutAuthentication() throws Exception {
        return new S3Server(0, false);
    }

    private S3Server(int port, boolean authenticate) throws Exception {
        context = ContextBuilder.newBuilder("transient").credentials("identity", "credential").build(BlobStoreContext.class);
        proxy = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(authenticate ? AuthenticationType.AWS_V2_OR_V4 : AuthenticationType.NONE, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        long deadline = System.currentTimeMillis() + 10_000;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    public void createBucket(String bucket) {
        context.getBlobStore().createContainerInLocation(null, bucket);
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
        context.close();
    }
}
