package dev.ferry.console;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.ext.Provider;

/** Puts a role check in front of every {@link OperatorOnly} call: a viewer gets 403 and is told why. */
@Provider
public class OperatorCheck implements DynamicFeature {

    @Override
    public void configure(ResourceInfo resource, FeatureContext context) {
        if (resource.getResourceMethod().isAnnotationPresent(OperatorOnly.class)) {
            context.register(new Filter());
        }
    }

    @Priority(Priorities.AUTHORIZATION)
    static final class Filter implements ContainerRequestFilter {
        @Override
        public void filter(ContainerRequestContext request) {
            var security = request.getSecurityContext();
            if (!security.isUserInRole(Role.OPERATOR.id())) {
                String user = security.getUserPrincipal() == null ? "this user" : security.getUserPrincipal().getName();
                request.abortWith(Problem.response(403, user + " may view but not act: this call needs the operator role"));
            }
        }
    }
}
