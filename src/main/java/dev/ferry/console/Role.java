package dev.ferry.console;

import java.util.Arrays;
import java.util.Locale;

/** What a console user may do: a viewer reads; an operator also starts, stops, restarts and backfills. */
public enum Role {
    VIEWER, OPERATOR;

    /** The role's name as configured and as the server's security knows it: {@code viewer}, {@code operator}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role parse(String text) {
        return Arrays.stream(values()).filter(r -> r.id().equalsIgnoreCase(text.trim())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("role '" + text + "' is neither viewer nor operator"));
    }
}
