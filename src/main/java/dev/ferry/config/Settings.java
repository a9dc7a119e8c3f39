package dev.ferry.config;

import java.util.Locale;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;

/**
 * Typed configuration values, checked when they are read: a value out of range or of the wrong kind fails
 * naming the key (and its environment variable), the value and what is allowed, before anything starts.
 */
public final class Settings {

    private Settings() {
    }

    /** A whole number from {@code min} to {@code max}, or {@code fallback} when the key is not set. */
    public static int wholeNumber(Config config, String key, int fallback, int min, int max) {
        Optional<String> raw = config.getOptionalValue(key, String.class);
        if (raw.isEmpty()) {
            return fallback;
        }
        int value;
        try {
            value = Integer.parseInt(raw.get().strip());
        } catch (NumberFormatException e) {
            throw invalid(key, raw.get(), "a whole number from " + min + " to " + max);
        }
        if (value < min || value > max) {
            throw invalid(key, raw.get(), "a whole number from " + min + " to " + max);
        }
        return value;
    }

    /** {@code true} or {@code false}, or {@code fallback} when the key is not set. */
    public static boolean flag(Config config, String key, boolean fallback) {
        Optional<String> raw = config.getOptionalValue(key, String.class);
        if (raw.isEmpty()) {
            return fallback;
        }
        return switch (raw.get().strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(key, raw.get(), "true or false");
        };
    }

    private static IllegalArgumentException invalid(String key, String value, String allowed) {
        return new IllegalArgumentException(key + " (environment: " + key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT)
                + ") is '" + value + "': give " + allowed);
    }
}
