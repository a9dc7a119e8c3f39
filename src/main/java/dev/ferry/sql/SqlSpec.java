package dev.ferry.sql;

import static dev.ferry.step.StepProperty.optional;

import dev.ferry.step.PropertyValues;
import dev.ferry.step.StepProperty;
import java.util.List;

/**
 * What an sql step is given: its script, inline or as a file, and whether its statements share one
 * transaction. Exactly one of {@code script} and {@code scriptFile} is set.
 */
public record SqlSpec(String database, String script, String scriptFile, boolean oneTransaction) {

    public static final List<StepProperty> PROPERTIES = StepProperty.withCommon(
            optional("script", null, "The script itself; either this or scriptFile"),
            optional("scriptFile", null, "A script file: a path, a file beside the flow's job XML in the flows folder,"
                    + " or a class path resource such as sql/daily.sql; either this or script"),
            optional("transaction", "single", "single: all statements in one transaction; per-statement: each commits on its own"));

    public static SqlSpec read(PropertyValues values) {
        boolean inline = values.isSet("script");
        if (inline == values.isSet("scriptFile")) {
            throw values.scope().invalid(inline ? "script" : "script, scriptFile", "set exactly one of script and scriptFile");
        }
        boolean oneTransaction = values.parse("transaction", t -> switch (t.strip()) {
            case "single" -> true;
            case "per-statement" -> false;
            default -> throw new IllegalArgumentException("'" + t + "' is not one of single, per-statement");
        });
        // An inline script's variables are resolved with the script, so that an error can name its line.
        return new SqlSpec(values.text("database"), inline ? values.raw("script") : null,
                inline ? null : values.text("scriptFile"), oneTransaction);
    }
}
