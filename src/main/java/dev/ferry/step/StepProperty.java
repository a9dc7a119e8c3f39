package dev.ferry.step;

import java.util.ArrayList;
import java.util.List;

/**
 * A property a step type takes in its job XML: its name, whether a flow must set it, the value it has when
 * it is not set, and what it means. Each step type declares its properties once (ExtractSpec, LoadSpec,
 * SqlSpec); the batchlet, {@code validate} and {@code try-run} all read them through that declaration.
 */
public record StepProperty(String name, boolean required, String fallback, String meaning) {

    public static StepProperty required(String name, String meaning) {
        return new StepProperty(name, true, null, meaning);
    }

    public static StepProperty optional(String name, String fallback, String meaning) {
        return new StepProperty(name, false, fallback, meaning);
    }

    /** The properties every Ferry step takes: its database, and how it retries and times out. */
    public static final List<StepProperty> COMMON = List.of(
            required("database", "Name of the database the step works on: ferry.db.NAME.* standalone, its datasource in the WAR"),
            optional("retries", "0", "Times to run the step again after a transient failure (lost connection, store 5xx, timeout)"),
            optional("retryDelay", "5", "Seconds before the first retry; each further retry waits twice as long"),
            optional("timeout", "0", "Seconds an attempt may take, store reads and writes included, before it is cancelled; 0 for no limit"));

    /** {@link #COMMON} followed by a step type's own properties. */
    public static List<StepProperty> withCommon(StepProperty... own) {
        List<StepProperty> all = new ArrayList<>(COMMON);
        all.addAll(List.of(own));
        return List.copyOf(all);
    }
}
