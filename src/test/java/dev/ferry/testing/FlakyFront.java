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
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP front for a real S3 server that answers its first {@code failures} requests with
 * {@code 503 SlowDown}, as a struggling store does, and passes every later request through; on request it
 * also cuts the connection in the middle of the next reads of data files, as a reset network does.
 */
public final class FlakyFront implements AutoCloseable {

    private static final Set<String> HOP_BY_HOP = Set.of("host", "connection", "content-length", "transfer-encoding", "expect", "upgrade");

    private final HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger cutsLeft = new AtomicInteger();

    public FlakyFront(String target, int failures) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                boolean readOfData = exchange.getRequestMethod().equals("GET") && exchange.getRequestURI().getPath().contains("/part-");
                if (requests.incrementAndGet() <= failures) {
                    respond(exchange, 503, "<Error><Code>SlowDown</Code><Message>try again</Message></Error>".getBytes(StandardCharsets.UTF_8));
                } else {
                    forward(exchange, target, readOfData && cutsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0);
                }
            }
        });
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

    private void forward(HttpExchange exchange, String target, boolean cut) throws IOException {
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
            if (cut && response.statusCode() == 200 && response.body().length > 1) {
                exchange.sendResponseHeaders(200, response.body().length);
                OutputStream out = exchange.getResponseBody();
                out.write(response.body(), 0, response.body().length / 2);
                out.flush();
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
        server.stop(0);
    }
}
