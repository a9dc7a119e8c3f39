package dev.ferry.step;

/** A step property that is missing or has a value the step cannot take; names the property. */
public class InvalidPropertyException extends StepFailedException {

    private final String property;
    private final String problem;

    public InvalidPropertyException(String where, String property, String problem) {
        super(where + ", property " + property + ": " + problem, null);
        this.property = property;
        this.problem = problem;
    }

    public String property() {
        return property;
    }

    /** What is wrong with the property, without where. */
    public String problem() {
        return problem;
    }
}
