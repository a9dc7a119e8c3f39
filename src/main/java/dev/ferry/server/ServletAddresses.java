package dev.ferry.server;

import dev.ferry.console.ClientAddresses;
import dev.ferry.console.ForwardedFor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.microprofile.config.ConfigProvider;

/** The client of the current servlet request, in the WAR; through a trusted proxy as its X-Forwarded-* headers say. */
@ApplicationScoped
public class ServletAddresses implements ClientAddresses {

    @Inject
    HttpServletRequest request;

    private final ForwardedFor forwarded = ForwardedFor.from(ConfigProvider.getConfig());

    @Override
    public String current() {
        return forwarded.client(request.getRemoteAddr(), request.getHeader("X-Forwarded-For"));
    }

    @Override
    public boolean secure() {
        return forwarded.secure(request.getRemoteAddr(), request.isSecure(), request.getHeader("X-Forwarded-Proto"));
    }

    @Override
    public String host() {
        return forwarded.host(request.getRemoteAddr(), request.getHeader("Host"), request.getHeader("X-Forwarded-Host"));
    }
}
