package dev.ferry.console;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.Provider;
import java.nio.charset.StandardCharsets;
import java.lang.reflect.Method;
import java.security.MessageDigest;
import java.security.Principal;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Who is calling: every call but those marked {@link Public} (the page, its assets, login) needs a console
 * session (the cookie set at login) or HTTP Basic credentials. A call through a session that changes
 * something must also send the session's CSRF token in {@value #CSRF_HEADER}: a page of another site can
 * make the browser send the cookie, but cannot read the token.
 *
 * <p>The decision is made on the resource method that Jakarta REST matched, after matching, never on the
 * request's path: a path can be spelled in many ways ({@code api;x=1/flows}, {@code api//flows}) that
 * reach the same method.
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
@ApplicationScoped
public class ConsoleSecurity implements ContainerRequestFilter {

    public static final String COOKIE = "ferry_session";
    public static final String CSRF_HEADER = "X-Ferry-CSRF";
    private static final Logger LOG = Logger.getLogger(ConsoleSecurity.class.getName());
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    @Inject
    Sessions sessions;
    @Inject
    Accounts accounts;
    @Inject
    LoginThrottle throttle;
    @Inject
    ClientAddresses addresses;
    @Context
    ResourceInfo matched;

    @Override
    public void filter(ContainerRequestContext request) {
        Method method = matched.getResourceMethod();
        if (!SAFE_METHODS.contains(request.getMethod())) {
            Optional<String> foreign = foreignOrigin(request.getHeaderString("Origin"));
            if (foreign.isPresent()) {
                LOG.warning(() -> request.getMethod() + " " + ClientText.escaped(request.getUriInfo().getPath()) + " from "
                        + addresses.current() + " refused: " + foreign.get());
                request.abortWith(Problem.response(403, foreign.get() + "; the console takes state-changing calls only from its own"
                        + " pages (behind a proxy, set ferry.console.trusted-proxies so that its X-Forwarded-Host counts)"));
                return;
            }
        }
        if (method != null && method.isAnnotationPresent(Public.class)) {
            return;
        }
        boolean secure = addresses.secure();
        String authorization = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            Optional<Account> account;
            try {
                account = basic(authorization.substring(6).trim());
            } catch (HeldOff e) {
                request.abortWith(e.response);
                return;
            }
            if (account.isEmpty()) {
                request.abortWith(unauthorized("wrong user name or password"));
                return;
            }
            request.setSecurityContext(new Caller(account.get(), "BASIC", secure));
            return;
        }
        Cookie cookie = request.getCookies().get(COOKIE);
        Optional<Sessions.Session> session = cookie == null ? Optional.empty() : sessions.find(cookie.getValue());
        if (session.isEmpty()) {
            request.abortWith(unauthorized(cookie == null ? "log in first: POST api/session with {\"username\", \"password\"}, or send HTTP Basic credentials"
                    : "your session has ended; log in again"));
            return;
        }
        if (!SAFE_METHODS.contains(request.getMethod()) && !sameToken(session.get().csrfToken(), request.getHeaderString(CSRF_HEADER))) {
            LOG.warning(() -> request.getMethod() + " " + ClientText.escaped(request.getUriInfo().getPath()) + " by " + session.get().account().name() + " refused: no valid " + CSRF_HEADER);
            request.abortWith(Problem.response(403, "this call needs the session's CSRF token in the " + CSRF_HEADER
                    + " header (GET api/session gives it); reload the page"));
            return;
        }
        request.setSecurityContext(new Caller(session.get().account(), "FORM", secure));
    }

    /**
     * Why a state-changing call's {@code Origin} is not the console's own, or empty when it is (or when there is none:
     * curl and scripts send none, and a browser always sends one with such a call, so a page of another site is refused
     * even when it holds a valid token).
     */
    private Optional<String> foreignOrigin(String origin) {
        if (origin == null) {
            return Optional.empty();
        }
        String host = addresses.host();
        String authority = origin.replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*://", "").replaceAll("/.*$", "");
        if (origin.equals("null") || host == null || !authority.equalsIgnoreCase(host.strip())) {
            return Optional.of("a call from another origin (" + ClientText.escaped(origin) + ", not " + ClientText.escaped(String.valueOf(host))
                    + ")");
        }
        return Optional.empty();
    }

    private Optional<Account> basic(String encoded) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        String user = decoded.substring(0, colon);
        String address = addresses.current();
        Optional<LoginThrottle.Wait> wait = throttle.waitBefore(user, address);
        if (wait.isPresent()) {
            LOG.warning(() -> "HTTP Basic login of user '" + ClientText.escaped(user) + "' from " + address + " held off: " + wait.get().reason());
            throw new HeldOff(tooMany(wait.get()));
        }
        Optional<Optional<Account>> checked = throttle.check(() -> accounts.authenticate(user, decoded.substring(colon + 1)));
        if (checked.isEmpty()) {
            throw new HeldOff(busy());
        }
        if (checked.get().isEmpty()) {
            throttle.failed(user, address);
            LOG.warning(() -> "HTTP Basic login refused for user '" + ClientText.escaped(user) + "' from " + address);
        } else {
            throttle.succeeded(user, address);
        }
        return checked.get();
    }

    /** A login that must wait: answered with 429 at once, before any password is checked. */
    private static final class HeldOff extends RuntimeException {
        private final transient jakarta.ws.rs.core.Response response;

        HeldOff(jakarta.ws.rs.core.Response response) {
            super(null, null, false, false);
            this.response = response;
        }
    }

    /** 429 with Retry-After: too many wrong passwords lately. */
    static jakarta.ws.rs.core.Response tooMany(LoginThrottle.Wait wait) {
        long seconds = Math.max(1, (wait.retryAfter().toMillis() + 999) / 1000);
        return jakarta.ws.rs.core.Response.fromResponse(Problem.response(429, wait.reason() + ": try again in " + seconds + " s"))
                .header(HttpHeaders.RETRY_AFTER, seconds).build();
    }

    /** 429: too many logins are being checked at once. */
    static jakarta.ws.rs.core.Response busy() {
        return jakarta.ws.rs.core.Response.fromResponse(Problem.response(429, "too many logins at once: try again in a few seconds"))
                .header(HttpHeaders.RETRY_AFTER, 5).build();
    }

    private static boolean sameToken(String expected, String given) {
        return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    private static jakarta.ws.rs.core.Response unauthorized(String message) {
        // Not "Basic": a browser would pop up its own login dialog over the console's page.
        return jakarta.ws.rs.core.Response.fromResponse(Problem.response(401, message))
                .header(HttpHeaders.WWW_AUTHENTICATE, "FerrySession realm=\"ferry\"").build();
    }

    /** The caller, as the resources see it through {@link SecurityContext}. */
    record Caller(Account account, String scheme, boolean secure) implements SecurityContext {
        @Override
        public Principal getUserPrincipal() {
            return account::name;
        }

        @Override
        public boolean isUserInRole(String role) {
            try {
                return account.may(Role.parse(role));
            } catch (IllegalArgumentException e) {
                return false;
            }
        }

        @Override
        public boolean isSecure() {
            return secure;
        }

        @Override
        public String getAuthenticationScheme() {
            return scheme;
        }
    }
}
