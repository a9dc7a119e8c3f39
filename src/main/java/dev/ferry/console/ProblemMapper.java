package dev.ferry.console;

import jakarta.batch.operations.JobExecutionAlreadyCompleteException;
import jakarta.batch.operations.JobExecutionIsRunningException;
import jakarta.batch.operations.JobExecutionNotMostRecentException;
import jakarta.batch.operations.JobExecutionNotRunningException;
import jakarta.batch.operations.JobRestartException;
import jakarta.batch.operations.JobStartException;
import jakarta.batch.operations.NoSuchJobExecutionException;
import jakarta.json.bind.JsonbException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns every failure of a console call into a {@link Problem}: 4xx for what the caller can fix, with how;
 * 5xx without internals (the server log has them), so no driver message with a secret reaches a browser.
 */
@Provider
public class ProblemMapper implements ExceptionMapper<Exception> {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class.getName());

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Response toResponse(Exception e) {
        if (e instanceof ConsoleProblem p) {
            return Problem.response(p.status(), p.getMessage());
        }
        if (causedBy(e, JsonbException.class)) {
            return Problem.response(400, "the request body is not the JSON this call takes; api/openapi.json describes it");
        }
        if (e instanceof WebApplicationException w) {
            int status = w.getResponse().getStatus();
            if (status == 404) {
                return Problem.response(404, "no such path in Ferry's API; api/openapi.json lists them");
            }
            if (status == 405) {
                return Problem.response(405, "this path does not take that method; api/openapi.json lists the methods");
            }
            if (status == 400 || status == 415) {
                return Problem.response(status, "the request body is not the JSON this call takes; api/openapi.json describes it");
            }
            return Problem.response(status, w.getMessage());
        }
        if (e instanceof IllegalArgumentException) {
            return Problem.response(400, e.getMessage());
        }
        if (e instanceof NoSuchJobExecutionException) {
            return Problem.response(404, e.getMessage());
        }
        if (e instanceof JobExecutionIsRunningException || e instanceof JobExecutionNotRunningException
                || e instanceof JobRestartException || e instanceof JobExecutionAlreadyCompleteException
                || e instanceof JobExecutionNotMostRecentException) {
            return Problem.response(409, e.getMessage());
        }
        if (e instanceof JobStartException) {
            return Problem.response(422, "the flow could not be started: " + e.getMessage() + "; check it with ferry validate");
        }
        LOG.log(Level.WARNING, "console call failed", e);
        return Problem.response(500, "the server failed to carry out the call (" + e.getClass().getSimpleName()
                + "); the server log says why");
    }
}
