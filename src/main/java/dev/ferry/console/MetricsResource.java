package dev.ferry.console;

import dev.ferry.metrics.FlowMetrics;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Optional;

/**
 * {@code GET /metrics} for Prometheus, on the console's port: open as Prometheus scrapes, unless
 * {@code ferry.metrics.token} asks for a bearer token. No console login: a scraper has none.
 */
@Path("metrics")
@RequestScoped
public class MetricsResource {

    @Inject
    Console console;

    @GET
    @Public
    public Response metrics(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        try {
            return Response.ok(console.metrics(Optional.ofNullable(authorization)), FlowMetrics.CONTENT_TYPE).build();
        } catch (ConsoleProblem e) {
            Response.ResponseBuilder response = Response.status(e.status()).type("text/plain; charset=utf-8").entity(e.getMessage() + "\n");
            return (e.status() == 401 ? response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"ferry metrics\"") : response).build();
        }
    }
}
