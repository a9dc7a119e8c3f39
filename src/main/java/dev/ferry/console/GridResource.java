package dev.ferry.console;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** The overview: business dates × flows, a page of dates at a time. */
@Path("api/grid")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class GridResource {

    @Inject
    Console console;


    /**
     * @param to     the newest business date shown (default: the date today's runs load)
     * @param days   how many dates, newest first (1 to 62)
     * @param expand a flow whose steps are shown too
     */
    @GET
    public Grid grid(@QueryParam("to") String to, @QueryParam("days") @DefaultValue("14") int days,
                     @QueryParam("expand") String expand) {
        return console.grid(ExecutionsResource.blankless(to).map(d -> FlowsResource.date("to", d)), days,
                ExecutionsResource.blankless(expand));
    }
}
