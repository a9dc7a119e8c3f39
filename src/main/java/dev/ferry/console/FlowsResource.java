package dev.ferry.console;

import dev.ferry.schedule.Backfill;
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
import java.io.InputStream;
import java.util.List;

/** The flows, and what an operator starts from them: a run for a date, a backfill, a try-run. */
@Path("api/flows")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RequestScoped
public class FlowsResource {

    @Inject
    Console console;


    /** start: {@code mydate}; {@code force} reruns a date started already, {@code allowFuture} a date later than T+1. */
    private static final List<String> START = List.of("mydate", "force", "allowFuture");
    /** backfill: {@code from}, {@code to}, {@code parallel} dates at a time (default 1), {@code allowFuture}. */
    private static final List<String> BACKFILL = List.of("from", "to", "parallel", "allowFuture");
    /** try-run: {@code mydate}, and {@code sample} rows to extract and load into a sandbox (default 0). */
    private static final List<String> TRY_RUN = List.of("mydate", "sample");

    @GET
    public List<FlowView> flows() {
        return console.flows();
    }

    @POST
    @Path("{flow}/start")
    @OperatorOnly
    public Response start(@PathParam("flow") String flow, InputStream body, @Context UriInfo uri, @Context SecurityContext caller) {
        RequestBody request = RequestBody.read(body, START, "{\"mydate\": \"20240101\", \"force\": false}");
        ExecutionDetail started = console.start(flow, date("mydate", request.text("mydate").orElse(null)), request.flag("force"),
                request.flag("allowFuture"), caller.getUserPrincipal().getName());
        return Response.created(uri.getBaseUriBuilder().path("api/executions/{id}").build(started.id())).entity(started).build();
    }

    /** Pauses the flow's schedule on every node: it starts nothing at its fire times until resumed. */
    /** The flow's upstreams and downstreams with each one's state for {@code mydate} (default: the date today's runs load). */
    @GET
    @Path("{flow}/graph")
    public FlowGraph graph(@PathParam("flow") String flow, @jakarta.ws.rs.QueryParam("mydate") String mydate) {
        return console.graph(flow, ExecutionsResource.blankless(mydate).map(d -> date("mydate", d)).orElse(console.latestBusinessDate()));
    }

    @POST
    @Path("{flow}/pause")
    @OperatorOnly
    public FlowView.Paused pause(@PathParam("flow") String flow, @Context SecurityContext caller) {
        return console.pause(flow, caller.getUserPrincipal().getName());
    }

    /** Resumes the flow's schedule; the fire times it passed follow its misfire policy. */
    @POST
    @Path("{flow}/resume")
    @OperatorOnly
    public Response resume(@PathParam("flow") String flow, @Context SecurityContext caller) {
        console.resume(flow, caller.getUserPrincipal().getName());
        return Response.noContent().build();
    }

    @POST
    @Path("{flow}/backfill")
    @OperatorOnly
    public Response backfill(@PathParam("flow") String flow, InputStream body, @Context SecurityContext caller) {
        RequestBody request = RequestBody.read(body, BACKFILL, "{\"from\": \"20240101\", \"to\": \"20240131\", \"parallel\": 2}");
        BackfillAccepted accepted = console.backfill(flow, date("from", request.text("from").orElse(null)),
                date("to", request.text("to").orElse(null)), request.whole("parallel", 1, Backfill.MAX_PARALLEL).orElse(1),
                request.flag("allowFuture"), caller.getUserPrincipal().getName());
        return Response.accepted(accepted).build();
    }

    @POST
    @Path("{flow}/try-run")
    @OperatorOnly
    public TryRunReport tryRun(@PathParam("flow") String flow, InputStream body) {
        RequestBody request = RequestBody.read(body, TRY_RUN, "{\"mydate\": \"20240101\", \"sample\": 100}");
        return console.tryRun(flow, date("mydate", request.text("mydate").orElse(null)), request.whole("sample", 0, Console.MAX_SAMPLE).orElse(0));
    }

    /** A business date from a request, or 400 naming the field. */
    static BusinessDate date(String field, String value) {
        if (value == null || value.isBlank()) {
            throw ConsoleProblem.badRequest(field + " is required: a business date as yyyyMMdd, e.g. 20240101");
        }
        try {
            return BusinessDate.parse(value);
        } catch (IllegalArgumentException e) {
            throw ConsoleProblem.badRequest(field + ": " + e.getMessage()); // the value in it is shortened already
        }
    }
}
