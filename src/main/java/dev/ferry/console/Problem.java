package dev.ferry.console;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The JSON body of every error the console's API answers: the status, its reason phrase, and what to do. */
public record Problem(int status, String error, String message) {

    public static Response response(int status, String message) {
        Response.StatusType type = Response.Status.fromStatusCode(status);
        String reason = type == null ? "Error" : type.getReasonPhrase();
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new Problem(status, reason, message)).build();
    }
}
