package dev.ferry.step;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The values a step was given for its declared properties, read with its variables resolved. A property
 * that is not set has its declared fallback; an error names the flow, step and property.
 */
public final class PropertyValues {

    private final Map<String, String> given;
    private final Map<String, StepProperty> declared;
    private final StepScope scope;

    /**
     * @param given    property values as written in the job XML (null or blank: not set)
     * @param declared the step type's properties
     */
    public PropertyValues(Map<String, String> given, List<StepProperty> declared, StepScope scope) {
        this.declared = declared.stream().collect(Collectors.toUnmodifiableMap(StepProperty::name, p -> p));
        for (String name : given.keySet()) {
            if (!this.declared.containsKey(name)) {
                throw new IllegalArgumentException("property " + name + " is not declared; the step type has " + this.declared.keySet());
            }
        }
        this.given = given;
        this.scope = scope;
    }

    public StepScope scope() {
        return scope;
    }

    /** Whether the flow sets {@code name}. */
    public boolean isSet(String name) {
        String value = given.get(declaration(name).name());
        return value != null && !value.isBlank();
    }

    /** The value with variables resolved, or the declared fallback (null for a required property, which fails instead). */
    public String text(String name) {
        StepProperty property = declaration(name);
        if (!isSet(name)) {
            if (property.required()) {
                throw scope.invalid(name, "is required");
            }
            return property.fallback();
        }
        return scope.resolve(name, given.get(name));
    }

    /** The value as written, variables not resolved (e.g. a script that resolves them itself), or null when not set. */
    public String raw(String name) {
        return isSet(name) ? given.get(name) : null;
    }

    /** A {@code true}/{@code false} property. */
    public boolean flag(String name) {
        String value = text(name).strip();
        if (!value.equals("true") && !value.equals("false")) {
            throw scope.invalid(name, "'" + value + "' is not true or false");
        }
        return Boolean.parseBoolean(value);
    }

    /** A whole number of at least {@code min}. */
    public long whole(String name, long min) {
        long value = parse(name, Long::parseLong);
        if (value < min) {
            throw scope.invalid(name, "must be " + min + " or more (got " + value + ")");
        }
        return value;
    }

    /** The value, parsed; the parser's IllegalArgumentException becomes an error naming the property. */
    public <T> T parse(String name, Function<String, T> parser) {
        String value = text(name);
        try {
            return parser.apply(value);
        } catch (NumberFormatException e) {
            throw scope.invalid(name, "'" + value + "' is not a whole number");
        } catch (IllegalArgumentException e) {
            throw scope.invalid(name, e.getMessage());
        }
    }

    private StepProperty declaration(String name) {
        StepProperty property = declared.get(name);
        if (property == null) {
            throw new IllegalArgumentException("property " + name + " is not declared; the step type has " + declared.keySet());
        }
        return property;
    }
}
