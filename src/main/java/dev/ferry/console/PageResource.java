package dev.ferry.console;

import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The console's web page: one HTML page and its script and style, from the class path, served by the same
 * application as the API (the WAR and {@code ferry serve} alike), and the API's OpenAPI description.
 */
@Path("")
@RequestScoped
public class PageResource {

    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self';"
            + " object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    private static final Pattern ASSET = Pattern.compile("[a-z0-9-]+\\.(js|css|svg|png)");
    private static final Map<String, String> TYPES = Map.of("js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "svg", "image/svg+xml", "png", "image/png");

    @GET
    @Public
    public Response page(@Context UriInfo uri) {
        if (!uri.getAbsolutePath().getPath().endsWith("/")) { // the page's relative links need the trailing slash
            return Response.seeOther(uri.getAbsolutePathBuilder().path("/").build()).build();
        }
        // Only the console's own script and style run on its page: no inline code, no other origin, no framing.
        return Response.fromResponse(file("web/index.html", "text/html; charset=utf-8")).header("Content-Security-Policy", CSP).build();
    }

    @GET
    @Public
    @Path("assets/{name}")
    public Response asset(@PathParam("name") String name) {
        if (!ASSET.matcher(name).matches()) {
            return Problem.response(404, "no asset " + name);
        }
        return file("web/" + name, TYPES.get(name.substring(name.lastIndexOf('.') + 1)));
    }

    @GET
    @Path("api/openapi.json")
    public Response openApi() {
        return file("openapi.json", "application/json");
    }

    private static Response file(String path, String type) {
        InputStream in = PageResource.class.getResourceAsStream(path);
        if (in == null) {
            return Problem.response(404, "no " + path + " in this build of Ferry");
        }
        return Response.ok(in, type).header("Cache-Control", "no-cache")
                .header("X-Content-Type-Options", "nosniff").header("X-Frame-Options", "DENY").build();
    }
}
