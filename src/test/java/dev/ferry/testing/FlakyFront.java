package dev.ferry.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP front for a real S3 server that answers its first {@code failures} requests with
 * {@code 503 SlowDown}, as a struggling store does, and passes every later request through; on request it
 * also cuts the connection in the middle of the next reads of data files, as a reset network does, or
 * stalls the next reads or uploads of data files for a minute, as a hung store or network does.
 */
public final class FlakyFront implements AutoCloseable {

    private static final Set<String> HOP_BY_HOP = Set.of("host", "connection", "content-length", "transfer-encoding", "expect", "upgrade");

    private final HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger cutsLeft = new AtomicInteger();
    private final AtomicInteger readStallsLeft = new AtomicInteger();
    private final AtomicInteger uploadStallsLeft = new AtomicInteger();
    private final AtomicInteger uploadDelaysLeft = new AtomicInteger();
    private final AtomicInteger uploadsHeld = new AtomicInteger();
    private final AtomicInteger heldUploadsLanded = new AtomicInteger();
    private volatile Duration uploadDelay = Duration.ZERO;
    private final CountDownLatch closed = new CountDownLatch(1);
    private static final Duration STALL = Duration.ofSeconds(60);

    public FlakyFront(String target, int failures) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                boolean data = exchange.getRequestURI().getPath().contains("/part-");
                boolean readOfData = data && exchange.getRequestMethod().equals("GET");
                boolean uploadOfData = data && exchange.getRequestMethod().equals("PUT");
                if (requests.incrementAndGet() <= failures) {
                    respond(exchange, 503, "<Error><Code>SlowDown</Code><Message>try again</Message></Error>".getBytes(StandardCharsets.UTF_8));
                } else if (uploadOfData && take(uploadStallsLeft)) {
                    exchange.getRequestBody().readAllBytes();
                    stall(); // the body arrived; the answer does not
                } else if (uploadOfData && take(uploadDelaysLeft)) {
                    uploadsHeld.incrementAndGet();
                    try {
                        closed.await(uploadDelay.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    forward(exchange, target, false, false); // a write that lands late, after its client gave up on it
                    heldUploadsLanded.incrementAndGet();
                } else {
                    forward(exchange, target, readOfData && take(cutsLeft), readOfData && take(readStallsLeft));
                }
            }
        });
        server.setExecutor(Executors.newCachedThreadPool()); // a stalled exchange must not hold up the others
        server.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public int requests() {
        return requests.get();
    }

    /** The next {@code reads} reads of a data file ({@code part-*}) stop halfway through the body and drop the connection. */
    public void cutNextReads(int reads) {
        cutsLeft.set(reads);
    }

    /** The next {@code reads} reads of a data file send half the body, then nothing for a minute. */
    public void stallNextReads(int reads) {
        readStallsLeft.set(reads);
    }

    /** The next {@code uploads} uploads of a data file (or a part of one) get no answer for a minute. */
    public void stallNextUploads(int uploads) {
        uploadStallsLeft.set(uploads);
    }

    /** The next {@code uploads} uploads of a data file are held for {@code delay}, then carried out. */
    public void delayNextUploads(int uploads, Duration delay) {
        uploadDelay = delay;
        uploadDelaysLeft.set(uploads);
    }

    /** How many uploads have been held by {@link #delayNextUploads} so far. */
    public int uploadsHeld() {
        return uploadsHeld.get();
    }

    /** How many uploads held by {@link #delayNextUploads} have since been carried out. */
    public int heldUploadsLanded() {
        return heldUploadsLanded.get();
    }

    private static boolean take(AtomicInteger left) {
        return left.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }

    private void stall() {
        try {
            closed.await(STALL.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void forward(HttpExchange exchange, String target, boolean cut, boolean stall) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
                .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase())) {
                values.forEach(v -> request.header(name, v));
            }
        });
        try {
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            response.headers().map().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase()) && !name.startsWith(":")) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            if ((cut || stall) && response.statusCode() == 200 && response.body().length > 1) {
                exchange.sendResponseHeaders(200, response.body().length);
                OutputStream out = exchange.getResponseBody();
                out.write(response.body(), 0, response.body().length / 2);
                out.flush();
                if (stall) {
                    stall();
                }
                return; // the exchange closes with half the promised bytes sent: the client sees the connection end early
            }
            respond(exchange, response.statusCode(), response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
    }
}
