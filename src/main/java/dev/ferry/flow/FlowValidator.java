package dev.ferry.flow;

import dev.ferry.sql.ScriptFile;
import dev.ferry.step.InvalidPropertyException;
import dev.ferry.step.PropertyValues;
import dev.ferry.step.StepProperty;
import dev.ferry.step.StepScope;
import dev.ferry.variables.Variables;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXParseException;

/**
 * Checks a flow without running it: the job XML against the JSR-352 schema, then every Ferry step for
 * unknown batchlets or properties, missing required properties, variables that are malformed or not
 * given, database names that are not configured and script files that cannot be found. Every problem is
 * reported with its line, not just the first.
 */
public final class FlowValidator {

    /** One problem, at a line of the job XML. */
    public record Problem(int line, String message) {
        @Override
        public String toString() {
            return "line " + line + ": " + message;
        }
    }

    private final Predicate<String> knownDatabase;
    private final Map<String, String> parameters;
    private final ClassLoader loader;

    /**
     * @param knownDatabase whether a database name is configured
     * @param parameters    the job parameters the flow will be started with, besides mydate
     */
    public FlowValidator(Predicate<String> knownDatabase, Map<String, String> parameters, ClassLoader loader) {
        this.knownDatabase = knownDatabase;
        this.parameters = new HashMap<>(parameters);
        this.parameters.putIfAbsent(Variables.MYDATE, "20000101");
        this.loader = loader;
    }

    public List<Problem> validate(byte[] jobXml) {
        List<Problem> problems = new ArrayList<>();
        validateSchema(jobXml, problems);
        List<FlowStep> steps;
        try {
            steps = FlowStep.parse(jobXml);
        } catch (SAXParseException e) {
            return sorted(problems); // the schema check has reported it
        } catch (Exception e) {
            problems.add(new Problem(0, "cannot read the job XML: " + e.getMessage()));
            return sorted(problems);
        }
        Variables variables = Variables.of(parameters);
        for (FlowStep step : steps) {
            checkStep(step, variables, problems);
        }
        checkSelectedSteps(steps, problems);
        checkFollowedSteps(steps, problems);
        return sorted(problems);
    }

    private void checkStep(FlowStep step, Variables variables, List<Problem> problems) {
        Optional<StepType> type = StepType.of(step.ref());
        if (type.isEmpty()) {
            problems.add(new Problem(step.line(), "step " + step.id() + ": unknown batchlet '" + step.ref() + "'; Ferry's are "
                    + new TreeSet<>(StepType.refs())));
            return;
        }
        Set<String> known = new TreeSet<>();
        type.get().properties().forEach(p -> known.add(p.name()));
        int before = problems.size();
        for (Map.Entry<String, FlowStep.Property> entry : step.properties().entrySet()) {
            FlowStep.Property property = entry.getValue();
            if (!known.contains(entry.getKey())) {
                problems.add(new Problem(property.line(), "step " + step.id() + ": the " + step.ref() + " batchlet has no property '"
                        + entry.getKey() + "'" + closest(entry.getKey(), known) + "; it has " + new TreeSet<>(known)));
                continue;
            }
            String value;
            try {
                value = variables.resolve(property.value());
            } catch (IllegalArgumentException e) {
                problems.add(new Problem(property.line(), "step " + step.id() + ", property " + entry.getKey() + ": " + e.getMessage()));
                continue;
            }
            if (entry.getKey().equals("database") && !knownDatabase.test(value)) {
                problems.add(new Problem(property.line(), "step " + step.id() + ": no database named '" + value
                        + "' is configured; add ferry.db." + value + ".url (or, in the WAR, its datasource)"));
            }
            if (entry.getKey().equals("scriptFile") && !value.contains("#{")) {
                Optional<String> script = script(value);
                if (script.isEmpty()) {
                    problems.add(new Problem(property.line(), "step " + step.id() + ": script file " + ScriptFile.notFound(value)));
                } else {
                    try {
                        variables.resolve(script.get());
                    } catch (IllegalArgumentException e) {
                        problems.add(new Problem(property.line(), "step " + step.id() + ", script file " + value + ": " + e.getMessage()));
                    }
                }
            }
        }
        for (StepProperty property : type.get().properties()) {
            if (property.required() && !step.properties().containsKey(property.name())) {
                problems.add(new Problem(step.line(), "step " + step.id() + ": the " + step.ref() + " batchlet needs property '"
                        + property.name() + "'"));
            }
        }
        if (problems.size() == before) {
            checkValues(step, type.get(), variables, problems);
        }
    }

    /**
     * Reads the step's values as its batchlet will (a delimiter of two characters, mode upsert, timeout -1...),
     * unless one is given by a JSR-352 expression ({@code #{jobParameters['x']}}), known only when the flow runs.
     */
    private void checkValues(FlowStep step, StepType type, Variables variables, List<Problem> problems) {
        Map<String, String> given = new HashMap<>();
        step.properties().forEach((name, property) -> given.put(name, property.value()));
        if (given.values().stream().anyMatch(v -> v.contains("#{"))) {
            return;
        }
        try {
            type.read(new PropertyValues(given, type.properties(), new StepScope("validate", step.id(), variables)));
        } catch (InvalidPropertyException e) {
            FlowStep.Property property = step.properties().get(e.property());
            problems.add(new Problem(property == null ? step.line() : property.line(), "step " + step.id() + ", property " + e.property()
                    + ": " + e.problem()));
        }
    }

    /** A step named in {@code ferry.steps} that the flow does not have would leave the date done with nothing run. */
    private void checkSelectedSteps(List<FlowStep> steps, List<Problem> problems) {
        String selected = parameters.get(StepScope.STEPS);
        if (selected == null) {
            return;
        }
        Set<String> ids = new TreeSet<>();
        steps.forEach(s -> ids.add(s.id()));
        for (String name : selected.split(",")) {
            String step = name.strip();
            if (!ids.contains(step)) {
                problems.add(new Problem(0, "the flow has no step '" + step + "' (job parameter " + StepScope.STEPS + ", --steps)"
                        + closest(step, ids) + "; its steps are " + ids));
            }
        }
    }

    /** A load's {@code follow} names an extract step of the same flow. */
    private static void checkFollowedSteps(List<FlowStep> steps, List<Problem> problems) {
        Map<String, String> refs = new HashMap<>();
        steps.forEach(s -> refs.put(s.id(), s.ref()));
        for (FlowStep step : steps) {
            FlowStep.Property follow = step.properties().get("follow");
            if (follow != null && !"extract".equals(refs.get(follow.value().strip()))) {
                problems.add(new Problem(follow.line(), "step " + step.id() + ", property follow: the flow has no extract step '"
                        + follow.value().strip() + "'; its extract steps are " + steps.stream().filter(s -> "extract".equals(s.ref()))
                        .map(FlowStep::id).toList()));
            }
        }
    }

    private Optional<String> script(String location) {
        try {
            return ScriptFile.read(location, loader);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String closest(String name, Set<String> known) {
        return known.stream().filter(k -> distance(k.toLowerCase(), name.toLowerCase()) <= 2)
                .min(Comparator.comparingInt(k -> distance(k.toLowerCase(), name.toLowerCase())))
                .map(k -> " (did you mean '" + k + "'?)").orElse("");
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            int[] current = new int[b.length() + 1];
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1),
                        previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            previous = current;
        }
        return previous[b.length()];
    }

    private static void validateSchema(byte[] jobXml, List<Problem> problems) {
        try {
            Validator validator = JobXmlSchema.SCHEMA.newValidator();
            validator.setErrorHandler(new ErrorHandler() {
                @Override
                public void warning(SAXParseException e) {
                }

                @Override
                public void error(SAXParseException e) {
                    problems.add(new Problem(e.getLineNumber(), "not valid JSR-352 job XML: " + e.getMessage()));
                }

                @Override
                public void fatalError(SAXParseException e) {
                    error(e);
                }
            });
            validator.validate(new StreamSource(new ByteArrayInputStream(jobXml)));
        } catch (SAXParseException e) {
            // reported through the error handler
        } catch (Exception e) {
            problems.add(new Problem(0, "cannot check the job XML against the JSR-352 schema: " + e.getMessage()));
        }
    }

    /** The JSR-352 schema, compiled once (a tenth of a second each time): a Schema is immutable and thread-safe. */
    private static final class JobXmlSchema {
        static final Schema SCHEMA = load();

        private static Schema load() {
            try (InputStream xsd = FlowValidator.class.getResourceAsStream("/xsd/jobXML_2_0.xsd")) {
                return SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI).newSchema(new StreamSource(xsd));
            } catch (Exception e) {
                throw new IllegalStateException("cannot load the JSR-352 job XML schema: " + e.getMessage(), e);
            }
        }
    }

    private static List<Problem> sorted(List<Problem> problems) {
        problems.sort(Comparator.comparingInt(Problem::line));
        return problems;
    }
}
