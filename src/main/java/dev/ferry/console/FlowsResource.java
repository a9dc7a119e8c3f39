package dev.ferry.console;

import dev.ferry.variables.BusinessDate;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;

/** The flows, and what an operator starts from them: a run for a date, a backfill, a try-run. */
@Path("api/flows")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RequestScoped
public class FlowsResource {

    @Inject
    Console console;


    /**
     * @param force       rerun a date that has been started already (recorded as forced)
     * @param allowFuture run a date later than the flow's T+1 date (the page asks to confirm it)
     */
    public record StartRequest(String mydate, boolean force, boolean allowFuture) {
    }

    /** @param parallel how many dates run at a time (default 1) */
    public record BackfillRequest(String from, String to, Integer parallel, boolean allowFuture) {
    }

    /** @param sample also extract and load this many rows into a sandbox (default 0) */
    public record TryRunRequest(String mydate, Integer sample) {
    }

    @GET
    public List<FlowView> flows() {
        return console.flows();
    }

    @POST
    @Path("{flow}/start")
    @OperatorOnly
    public Response start(@PathParam("flow") String flow, StartRequest request, @Context UriInfo uri, @Context SecurityContext caller) {
        ExecutionDetail started = console.start(flow, date("mydate", request == null ? null : request.mydate()),
                request != null && request.force(), request != null && request.allowFuture(), caller.getUserPrincipal().getName());
        return Response.created(uri.getBaseUriBuilder().path("api/executions/{id}").build(started.id())).entity(started).build();
    }

    @POST
    @Path("{flow}/backfill")
    @OperatorOnly
    public Response backfill(@PathParam("flow") String flow, BackfillRequest request, @Context SecurityContext caller) {
        if (request == null) {
            throw ConsoleProblem.badRequest("give the range as JSON: {\"from\": \"20240101\", \"to\": \"20240131\", \"parallel\": 2}");
        }
        BackfillAccepted accepted = console.backfill(flow, date("from", request.from()), date("to", request.to()),
                request.parallel() == null ? 1 : request.parallel(), request.allowFuture(), caller.getUserPrincipal().getName());
        return Response.accepted(accepted).build();
    }

    @POST
    @Path("{flow}/try-run")
    @OperatorOnly
    public TryRunReport tryRun(@PathParam("flow") String flow, TryRunRequest request) {
        return console.tryRun(flow, date("mydate", request == null ? null : request.mydate()),
                request == null || request.sample() == null ? 0 : request.sample());
    }

    /** A business date from a request, or 400 naming the field. */
    static BusinessDate date(String field, String value) {
        if (value == null || value.isBlank()) {
            throw ConsoleProblem.badRequest(field + " is required: a business date as yyyyMMdd, e.g. 20240101");
        }
        try {
            return BusinessDate.parse(value);
        } catch (IllegalArgumentException e) {
            throw ConsoleProblem.badRequest(field + ": " + e.getMessage());
        }
    }
}
