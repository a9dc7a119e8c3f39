package dev.ferry.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.Config;

/**
 * A password or access key. It prints as {@code ****} wherever it ends up (logs, exception messages,
 * records' toString), and {@link #scrub} removes it from text that came from a driver or an SDK.
 */
public final class Secret {

    /** Names of settings and job parameters whose values are secrets. */
    public static final Pattern NAMED = Pattern.compile("(?i).*(password|passwd|secret|token|credential|access[._-]?key).*");
    private static final Secret NONE = new Secret("");
    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    public static Secret of(String value) {
        return value == null || value.isEmpty() ? NONE : new Secret(value);
    }

    public static Secret none() {
        return NONE;
    }

    /**
     * The values of every setting whose name says it is a secret ({@link #NAMED}), for scrubbing text that Ferry keeps
     * (step logs): a message that quotes a driver's or a server's words may echo one.
     */
    public static List<Secret> configured(Config config) {
        List<Secret> secrets = new ArrayList<>();
        for (String name : config.getPropertyNames()) {
            if (NAMED.matcher(name).matches()) {
                config.getOptionalValue(name, String.class).filter(v -> v.length() >= 4).map(Secret::of).ifPresent(secrets::add);
            }
        }
        return secrets;
    }

    /** The clear text, to hand to a driver or SDK; never to a log or a message. */
    public String reveal() {
        return value;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    /** {@code text} with every occurrence of this secret replaced by {@code ****}. */
    public String scrub(String text) {
        return text == null || value.isEmpty() ? text : text.replace(value, "****");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(value);
    }

    @Override
    public String toString() {
        return value.isEmpty() ? "(none)" : "****";
    }
}
