package dev.ferry.flow;

import dev.ferry.extract.ExtractSpec;
import dev.ferry.load.LoadSpec;
import dev.ferry.sql.SqlSpec;
import dev.ferry.step.Attempts;
import dev.ferry.step.PropertyValues;
import dev.ferry.step.StepProperty;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Ferry's step types, by the batchlet name a job XML refers to: the properties each takes and how they are read. */
public enum StepType {
    EXTRACT("extract", ExtractSpec.PROPERTIES, ExtractSpec::read),
    LOAD("load", LoadSpec.PROPERTIES, LoadSpec::read),
    SQL("sql", SqlSpec.PROPERTIES, SqlSpec::read);

    private final String ref;
    private final List<StepProperty> properties;
    private final Function<PropertyValues, ?> reader;

    StepType(String ref, List<StepProperty> properties, Function<PropertyValues, ?> reader) {
        this.ref = ref;
        this.properties = properties;
        this.reader = reader;
    }

    /** The type a step's {@code <batchlet ref="...">} names. */
    public static Optional<StepType> of(String ref) {
        return Arrays.stream(values()).filter(t -> t.ref.equals(ref)).findFirst();
    }

    public static List<String> refs() {
        return Arrays.stream(values()).map(StepType::ref).toList();
    }

    public String ref() {
        return ref;
    }

    public List<StepProperty> properties() {
        return properties;
    }

    /** Reads the step's spec, as its batchlet will: the first property it cannot take fails. */
    public Object read(PropertyValues values) {
        Object spec = reader.apply(values);
        Attempts.read(values);
        return spec;
    }
}
