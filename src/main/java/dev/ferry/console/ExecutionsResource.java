package dev.ferry.console;

import dev.ferry.history.JBeretTables;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.Optional;

/** Executions: the filtered, paged history, one execution in full, and stop, restart, abandon. */
@Path("api/executions")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class ExecutionsResource {

    @Inject
    Console console;


    /**
     * Newest first; {@code from} and {@code to} bound the business date (yyyyMMdd). With {@code detail},
     * each execution in full (parameters, owner, steps), as {@code GET api/executions/ID} gives it.
     */
    @GET
    public Response executions(@QueryParam("flow") String flow, @QueryParam("status") String status,
                              @QueryParam("from") String from, @QueryParam("to") String to,
                              @QueryParam("offset") @DefaultValue("0") int offset,
                              @QueryParam("limit") @DefaultValue("50") int limit,
                              @QueryParam("detail") @DefaultValue("false") boolean detail) {
        JBeretTables.Filter filter = new JBeretTables.Filter(blankless(flow), blankless(status),
                blankless(from).map(d -> FlowsResource.date("from", d)), blankless(to).map(d -> FlowsResource.date("to", d)));
        // One of two page types, so a Response: a Page<?> return type is not one Jersey can resolve.
        return Response.ok(detail ? console.executionDetails(filter, offset, limit) : console.executions(filter, offset, limit)).build();
    }

    @GET
    @Path("{id}")
    public ExecutionDetail execution(@PathParam("id") String id) {
        return console.execution(id(id));
    }

    /**
     * The execution's step logs, oldest first: {@code step} for one step's, {@code after} the {@code last} of the previous
     * call to poll while it runs.
     */
    @GET
    @Path("{id}/log")
    public ExecutionLog log(@PathParam("id") String id, @QueryParam("step") String step,
                            @QueryParam("after") @DefaultValue("0") long after, @QueryParam("limit") @DefaultValue("2000") int limit) {
        return console.log(id(id), blankless(step), after, limit);
    }

    @POST
    @Path("{id}/stop")
    @OperatorOnly
    public ExecutionDetail stop(@PathParam("id") String id) {
        return console.stop(id(id));
    }

    /** @return the new execution that carries on the run */
    @POST
    @Path("{id}/restart")
    @OperatorOnly
    public ExecutionDetail restart(@PathParam("id") String id, @Context SecurityContext caller) {
        return console.restart(id(id), caller.getUserPrincipal().getName());
    }

    @POST
    @Path("{id}/abandon")
    @OperatorOnly
    public ExecutionDetail abandon(@PathParam("id") String id) {
        return console.abandon(id(id));
    }

    private static long id(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw ConsoleProblem.badRequest("execution id '" + text + "' is not a number; list executions with GET api/executions");
        }
    }

    static Optional<String> blankless(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }
}
