package dev.ferry.sql;

/** A script cannot be split into statements, e.g. a string literal is never closed. */
public class SqlScriptException extends IllegalArgumentException {
    public SqlScriptException(String message) {
        super(message);
    }
}
