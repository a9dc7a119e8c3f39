package dev.ferry.testing;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The console's REST API as a script or a browser uses it: a login session with its CSRF token, or HTTP Basic. */
public final class ConsoleClient {

    /** A reply: its status and body (JSON for every API call). */
    public record Reply(int status, String body, java.net.http.HttpHeaders headers) {
        public JsonObject json() {
            return (JsonObject) structure();
        }

        public JsonStructure structure() {
            return Json.createReader(new StringReader(body)).read();
        }

        public String message() {
            return json().getString("message");
        }
    }

    private final URI base;
    private final HttpClient http;
    private String csrf;
    private String basic;

    public ConsoleClient(URI base) {
        this(base, HttpClient.newBuilder().cookieHandler(new CookieManager()).build(), null);
    }

    private ConsoleClient(URI base, HttpClient http, String csrf) {
        this.base = base;
        this.http = http;
        this.csrf = csrf;
    }

    /**
     * This client's session (its cookie and CSRF token) sent to another server, as a load balancer sends a browser's
     * next request to whichever node it picks.
     */
    public ConsoleClient sameSessionAt(URI otherBase) {
        return new ConsoleClient(otherBase, http, csrf);
    }

    /** Logs in as a browser does: a session cookie, and the CSRF token kept for state-changing calls. */
    public Reply login(String user, String password) {
        Reply reply = send("POST", "api/session", Json.createObjectBuilder().add("username", user).add("password", password).build().toString(), false);
        if (reply.status() == 200) {
            csrf = reply.json().getString("csrfToken");
        }
        return reply;
    }

    /** Sends HTTP Basic credentials with every call, as a script does. */
    public ConsoleClient basic(String user, String password) {
        basic = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return this;
    }

    public Reply get(String path) {
        return send("GET", path, null, false);
    }

    public Reply post(String path, String json) {
        return send("POST", path, json, true);
    }

    /** A state-changing call without the CSRF token, as a forged cross-site request would be. */
    public Reply postWithoutToken(String path, String json) {
        return send("POST", path, json, false);
    }

    /** A state-changing call with its token, sent with {@code headers} (an {@code Origin}, a proxy's {@code X-Forwarded-*}). */
    public Reply post(String path, String json, java.util.Map<String, String> headers) {
        return send("POST", base.resolve(path), json, true, headers);
    }

    public Reply delete(String path) {
        return send("DELETE", path, null, true);
    }

    /**
     * A call to {@code rawPath} exactly as written after the console's base: not resolved, so {@code ..},
     * {@code //}, {@code ;} and percent escapes reach the server as a client may send them.
     */
    public Reply exact(String method, String rawPath, String json) {
        return send(method, URI.create(base + rawPath), json, true);
    }

    private Reply send(String method, String path, String json, boolean withToken) {
        return send(method, base.resolve(path), json, withToken);
    }

    private Reply send(String method, URI uri, String json, boolean withToken) {
        return send(method, uri, json, withToken, java.util.Map.of());
    }

    private Reply send(String method, URI uri, String json, boolean withToken, java.util.Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (withToken && csrf != null) {
            request.header("X-Ferry-CSRF", csrf);
        }
        if (basic != null) {
            request.header("Authorization", basic);
        }
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body(), response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
