package dev.ferry.console;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * A JSON request body read strictly: at most {@link #MAX_BYTES}, an object with only the call's fields, each of its
 * type ({@code "force": "yes"} is not true, {@code 1000000000000} is not a sample size). A bad value is echoed back
 * as a short prefix only, never whole.
 */
final class RequestBody {

    static final int MAX_BYTES = 64 * 1024;
    private static final int ECHOED = 40;
    private static final long DRAINED = 32L << 20;

    private final JsonObject json;

    private RequestBody(JsonObject json) {
        this.json = json;
    }

    /**
     * @param fields  the fields this call takes
     * @param example a body this call takes, for the messages
     */
    static RequestBody read(InputStream in, List<String> fields, String example) {
        byte[] bytes;
        try {
            bytes = in == null ? new byte[0] : in.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (bytes.length > MAX_BYTES) {
            drain(in);
            throw new ConsoleProblem(413, "the request body is larger than " + MAX_BYTES / 1024 + " KiB; send JSON such as " + example);
        }
        if (bytes.length == 0 || new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            return new RequestBody(JsonValue.EMPTY_JSON_OBJECT);
        }
        JsonValue value;
        try (JsonReader reader = Json.createReader(new ByteArrayInputStream(bytes))) {
            value = reader.readValue();
        } catch (JsonException e) {
            throw ConsoleProblem.badRequest("the request body is not JSON (" + shortened(e.getMessage()) + "); send " + example);
        }
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw ConsoleProblem.badRequest("the request body must be a JSON object such as " + example);
        }
        JsonObject object = value.asJsonObject();
        for (String name : object.keySet()) {
            if (!fields.contains(name)) {
                throw ConsoleProblem.badRequest("unknown field '" + shortened(name) + "'; this call takes " + fields + ", e.g. " + example);
            }
        }
        return new RequestBody(object);
    }

    /**
     * Reads what a client still sends of a body too large, up to a bound, so that it gets the 413 instead of a
     * connection closed under its upload; past the bound the connection is closed on it.
     */
    private static void drain(InputStream in) {
        byte[] buffer = new byte[64 * 1024];
        try {
            long left = DRAINED;
            for (int n; left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) >= 0; left -= n) {
                // discarded
            }
        } catch (IOException e) {
            // the client went away: nobody is left to answer
        }
    }

    /** A string field, if given (null counts as not given). */
    Optional<String> text(String name) {
        JsonValue value = json.get(name);
        if (value == null || value == JsonValue.NULL) {
            return Optional.empty();
        }
        if (value instanceof JsonString string) {
            return Optional.of(string.getString());
        }
        throw ConsoleProblem.badRequest(name + " must be a string, not " + shortened(value.toString()));
    }

    /** A true/false field; false when not given. */
    boolean flag(String name) {
        JsonValue value = json.get(name);
        if (value == null || value == JsonValue.NULL || value == JsonValue.FALSE) {
            return false;
        }
        if (value == JsonValue.TRUE) {
            return true;
        }
        throw ConsoleProblem.badRequest(name + " must be true or false, not " + shortened(value.toString()));
    }

    /** A whole number from {@code min} to {@code max}, if given. */
    Optional<Integer> whole(String name, int min, int max) {
        JsonValue value = json.get(name);
        if (value == null || value == JsonValue.NULL) {
            return Optional.empty();
        }
        if (!(value instanceof JsonNumber number) || !number.isIntegral()) {
            throw ConsoleProblem.badRequest(name + " must be a whole number from " + min + " to " + max + ", not " + shortened(value.toString()));
        }
        java.math.BigInteger n = number.bigIntegerValue();
        if (n.compareTo(java.math.BigInteger.valueOf(min)) < 0 || n.compareTo(java.math.BigInteger.valueOf(max)) > 0) {
            throw ConsoleProblem.badRequest(name + " must be from " + min + " to " + max + " (got " + shortened(n.toString()) + ")");
        }
        return Optional.of(n.intValueExact());
    }

    /** At most the first characters of what a client sent, so that a 10 MB value is not sent back. */
    static String shortened(String text) {
        if (text == null) {
            return "null";
        }
        return text.length() <= ECHOED ? text : text.substring(0, ECHOED) + "... (" + text.length() + " characters)";
    }
}
