package dev.ferry.console;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/** What a console user may do: a viewer reads; an operator also starts, stops, restarts and backfills. */
public enum Role {
    VIEWER, OPERATOR;

    /** The role's name as configured and as the server's security knows it: {@code viewer}, {@code operator}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The roles someone holds, as a container's {@code isUserInRole} answers for each role's {@link #id()}. */
    public static Set<Role> held(Predicate<String> isUserInRole) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (Role role : values()) {
            if (isUserInRole.test(role.id())) {
                roles.add(role);
            }
        }
        return roles;
    }

    public static Role parse(String text) {
        return Arrays.stream(values()).filter(r -> r.id().equalsIgnoreCase(text.trim())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("role '" + text + "' is neither viewer nor operator"));
    }
}
