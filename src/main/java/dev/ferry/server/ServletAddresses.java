package dev.ferry.server;

import dev.ferry.console.ClientAddresses;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;

/** The client address of the current servlet request, in the WAR. */
@ApplicationScoped
public class ServletAddresses implements ClientAddresses {

    @Inject
    HttpServletRequest request;

    @Override
    public String current() {
        return request.getRemoteAddr();
    }
}
