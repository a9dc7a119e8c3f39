package dev.ferry.console;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/** Logging in and out of the console, and who is logged in. */
@Path("api/session")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class SessionResource {

    private static final Logger LOG = Logger.getLogger(SessionResource.class.getName());

    @Inject
    Sessions sessions;
    @Inject
    Accounts accounts;
    @Inject
    LoginThrottle throttle;
    @Inject
    ClientAddresses addresses;

    public record Login(String username, String password) {
    }

    /** Who is logged in, their roles, and the token that state-changing calls of this session send back (null for HTTP Basic). */
    public record Me(String user, List<String> roles, String csrfToken) {
        static Me of(Account account, String csrfToken) {
            return new Me(account.name(), account.roles().stream().map(Role::id).sorted().toList(), csrfToken);
        }
    }

    @POST
    @Public
    @Consumes(MediaType.APPLICATION_JSON)
    public Response login(Login login, @Context UriInfo uri, @Context SecurityContext security) {
        if (login == null || login.username() == null || login.password() == null) {
            throw ConsoleProblem.badRequest("give {\"username\": ..., \"password\": ...}");
        }
        String address = addresses.current();
        Optional<LoginThrottle.Wait> wait = throttle.waitBefore(login.username(), address);
        if (wait.isPresent()) {
            LOG.warning(() -> "console login of user '" + ClientText.escaped(login.username()) + "' from " + address + " held off: "
                    + wait.get().reason());
            return ConsoleSecurity.tooMany(wait.get());
        }
        Optional<Optional<Account>> checked = throttle.check(() -> accounts.authenticate(login.username(), login.password()));
        if (checked.isEmpty()) {
            return ConsoleSecurity.busy();
        }
        var account = checked.get();
        if (account.isEmpty()) {
            throttle.failed(login.username(), address);
            LOG.warning(() -> "console login refused for user '" + ClientText.escaped(login.username()) + "' from " + address);
            return Problem.response(401, "wrong user name or password, or the user has neither the viewer nor the operator role");
        }
        throttle.succeeded(login.username(), address);
        Sessions.Session session = sessions.open(account.get());
        LOG.info(() -> "console login: " + account.get().name() + " " + account.get().roles());
        return Response.ok(Me.of(account.get(), session.csrfToken())).cookie(cookie(uri, session.id(), addresses.secure(), false)).build();
    }

    @GET
    public Me me(@Context SecurityContext security, @Context HttpHeaders headers) {
        Cookie cookie = headers.getCookies().get(ConsoleSecurity.COOKIE);
        String token = "FORM".equals(security.getAuthenticationScheme()) && cookie != null
                ? sessions.find(cookie.getValue()).map(Sessions.Session::csrfToken).orElse(null) : null;
        return Me.of(new Account(security.getUserPrincipal().getName(), Role.held(security::isUserInRole)), token);
    }

    @DELETE
    public Response logout(@Context HttpHeaders headers, @Context UriInfo uri, @Context SecurityContext security) {
        Cookie cookie = headers.getCookies().get(ConsoleSecurity.COOKIE);
        if (cookie != null) {
            sessions.close(cookie.getValue());
        }
        return Response.noContent().cookie(cookie(uri, "", addresses.secure(), true)).build();
    }

    private static NewCookie cookie(UriInfo uri, String value, boolean secure, boolean expire) {
        return new NewCookie.Builder(ConsoleSecurity.COOKIE).value(value).path(uri.getBaseUri().getPath()).httpOnly(true)
                .secure(secure).sameSite(NewCookie.SameSite.STRICT).maxAge(expire ? 0 : -1).build();
    }
}
