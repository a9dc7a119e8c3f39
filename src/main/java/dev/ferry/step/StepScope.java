package dev.ferry.step;

import dev.ferry.variables.Variables;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.batch.runtime.context.JobContext;
import jakarta.batch.runtime.context.StepContext;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Where a batchlet runs (flow and step) and the variables of its run. It resolves and checks properties
 * and turns any failure into a message that names the flow, the step and, where known, the property.
 */
public record StepScope(String flow, String step, Variables variables) {

    private static final Pattern SERVER_POSITION = Pattern.compile("\\R\\s*Position: \\d+");

    /**
     * Job parameter naming the steps to run, comma-separated (e.g. {@code load} to reload staged files
     * without extracting again); the other Ferry steps complete at once with exit status SKIPPED.
     */
    public static final String STEPS = "ferry.steps";

    /** Whether this step is to run: no {@code ferry.steps} parameter, or one that names it. */
    public boolean selected() {
        return variables.value(STEPS).map(list -> Arrays.stream(list.split(",")).map(String::strip).toList().contains(step))
                .orElse(true);
    }

    /** @throws StepFailedException when the run's job parameters are invalid (e.g. a bad mydate) */
    public static StepScope of(JobContext job, StepContext step) {
        try {
            return new StepScope(job.getJobName(), step.getStepName(),
                    Variables.of(BatchRuntime.getJobOperator().getParameters(job.getExecutionId())));
        } catch (IllegalArgumentException e) {
            throw new StepFailedException("flow " + job.getJobName() + ", step " + step.getStepName() + ": " + e.getMessage(), e);
        }
    }

    /** A required property, with its variables resolved. */
    public String required(String property, String value) {
        if (value == null || value.isBlank()) {
            throw invalid(property, "is required");
        }
        return resolve(property, value);
    }

    /** An optional property with variables resolved, or {@code fallback} when it is not set. */
    public String optional(String property, String value, String fallback) {
        return value == null || value.isBlank() ? fallback : resolve(property, value);
    }

    /** A {@code true}/{@code false} property, or {@code fallback} when it is not set. */
    public boolean flag(String property, String value, boolean fallback) {
        String v = optional(property, value, String.valueOf(fallback)).strip();
        if (!v.equals("true") && !v.equals("false")) {
            throw invalid(property, "'" + value + "' is not true or false");
        }
        return Boolean.parseBoolean(v);
    }

    public String resolve(String property, String value) {
        try {
            return variables.resolve(value);
        } catch (IllegalArgumentException e) {
            throw invalid(property, e.getMessage());
        }
    }

    /** Parses a property with {@code parser}; its IllegalArgumentException becomes a message naming the property. */
    public <T> T parse(String property, String value, Function<String, T> parser) {
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            throw invalid(property, e.getMessage());
        }
    }

    public InvalidPropertyException invalid(String property, String problem) {
        return new InvalidPropertyException(where(), property, problem);
    }

    /** Wraps any failure with where it happened, unless it already says so. */
    public StepFailedException failure(Throwable e) {
        if (e instanceof StepFailedException failed) {
            return failed;
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        // PostgreSQL's position points into the statement Ferry generated (COPY (query) TO ...), not into the user's SQL.
        message = SERVER_POSITION.matcher(message).replaceAll("");
        return new StepFailedException(where() + ": " + message, e);
    }

    public String where() {
        return "flow " + flow + ", step " + step;
    }

    /**
     * How the step's log lines begin: {@code rds-to-adb/extract 20240102}, the business date included so
     * that the lines of a parallel backfill tell their dates apart.
     */
    public String label() {
        return flow + "/" + step + variables.mydate().map(d -> " " + d).orElse("");
    }

    public Progress progress() {
        return new Progress(label(), Duration.ofSeconds(5));
    }
}
