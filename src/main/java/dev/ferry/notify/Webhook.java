package dev.ferry.notify;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;

/**
 * Tells someone when a step fails: a JSON {@link FailureNotice} POSTed to {@code ferry.notify.webhook}
 * (a chat bot, an alerting system). A webhook that is down is logged, never fails the run.
 */
public final class Webhook {

    private static final Logger LOG = Logger.getLogger(Webhook.class.getName());

    private final Optional<URI> url;
    private final HttpClient client;

    public Webhook(Optional<URI> url) {
        this.url = url;
        this.client = url.isPresent() ? HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build() : null;
    }

    public static Webhook from(Config config) {
        return new Webhook(config.getOptionalValue("ferry.notify.webhook", String.class).filter(s -> !s.isBlank()).map(u -> {
            try {
                return URI.create(u);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("ferry.notify.webhook '" + u + "' is not a URL");
            }
        }));
    }

    public void failed(FailureNotice notice) {
        if (url.isEmpty()) {
            return;
        }
        try (Jsonb jsonb = JsonbBuilder.create()) {
            HttpRequest request = HttpRequest.newBuilder(url.get()).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(jsonb.toJson(notice))).build();
            int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status >= 300) {
                LOG.warning(() -> "failure webhook " + url.get().getHost() + " answered HTTP " + status);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warning(() -> "failure webhook " + url.get().getHost() + " not reached: " + e.getMessage());
        }
    }
}
