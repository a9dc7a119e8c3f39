package dev.ferry.server;

import dev.ferry.console.Account;
import dev.ferry.console.Accounts;
import dev.ferry.console.Role;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import java.util.Set;

/**
 * The WAR's console users are the server's: the password is checked by the deployment's security domain
 * (Elytron; {@code other} maps to {@code ApplicationDomain}, users added with {@code add-user.sh -a -g
 * operator}), and the roles {@code viewer} and {@code operator} come from it.
 */
@ApplicationScoped
public class ElytronAccounts implements Accounts {

    @Inject
    HttpServletRequest request;

    @Override
    public Optional<Account> authenticate(String user, String password) {
        try {
            request.login(user, password);
        } catch (ServletException e) {
            return Optional.empty();
        }
        try {
            Set<Role> roles = Role.held(request::isUserInRole);
            return roles.isEmpty() ? Optional.empty() : Optional.of(new Account(user, roles));
        } finally {
            try {
                request.logout(); // the console keeps its own session; the request itself stays anonymous
            } catch (ServletException e) {
                // nothing was kept for this request
            }
        }
    }
}
