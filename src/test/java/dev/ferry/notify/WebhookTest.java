package dev.ferry.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.ferry.testing.Pipeline;
import dev.ferry.testing.TestFlows;
import jakarta.batch.runtime.BatchStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failed step is reported to the configured webhook as JSON; a successful run sends nothing. */
class WebhookTest {

    static HttpServer receiver;
    static final List<String> received = new CopyOnWriteArrayList<>();
    static Pipeline pipeline;

    @BeforeAll
    static void setUp(@TempDir Path dir) throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            received.add(exchange.getRequestHeaders().getFirst("Content-Type") + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        pipeline = new Pipeline(dir);
        pipeline.createReferenceTables(5);
        pipeline.config.set("ferry.notify.webhook", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook")
                .set("ferry.db.source.password", "Never-In-A-Webhook-9");
    }

    @AfterAll
    static void tearDown() {
        pipeline.close();
        receiver.stop(0);
    }

    @Test
    void aFailedStepIsPostedAsJsonAndASuccessIsNot() {
        assertThat(pipeline.run("rds-to-adb", "20240101").getBatchStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(received).isEmpty();

        var failed = pipeline.run(TestFlows.path("unknown-database"), "20240102");

        assertThat(failed.getBatchStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(received).hasSize(1);
        assertThat(received.get(0)).startsWith("application/json ")
                .contains("\"flow\":\"unknown-database\"", "\"step\":\"extract\"", "\"mydate\":\"20240102\"",
                        "\"executionId\":" + failed.getExecutionId(), "no database named 'nosuch'", "\"failedAt\":")
                .doesNotContain("Never-In-A-Webhook-9");
    }
}
