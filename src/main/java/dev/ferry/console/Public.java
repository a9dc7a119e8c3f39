package dev.ferry.console;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A console call that anyone may make without logging in: the page, its assets and the login itself.
 * Every other call needs a login ({@link ConsoleSecurity}); a new call is closed unless it says otherwise.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Public {
}
