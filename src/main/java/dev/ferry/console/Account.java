package dev.ferry.console;

import java.util.Set;

/** A console user who has logged in, with their roles. An operator can do all a viewer can. */
public record Account(String name, Set<Role> roles) {

    public Account {
        roles = Set.copyOf(roles);
    }

    public boolean may(Role role) {
        return roles.contains(role) || roles.contains(Role.OPERATOR);
    }
}
