package dev.ferry.console;

/**
 * The address of the client whose request is being handled, for throttling and for the log: from the JDK
 * HTTP server's exchange in {@code ferry serve}, from the servlet request in the WAR.
 */
public interface ClientAddresses {

    /** The current request's client address, e.g. {@code 192.0.2.7}. */
    String current();
}
