package dev.ferry.variables;

/** A variable is undefined, malformed, or has a value that may not be put into SQL. */
public class InvalidVariableException extends IllegalArgumentException {
    public InvalidVariableException(String message) {
        super(message);
    }
}
