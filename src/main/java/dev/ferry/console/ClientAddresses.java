package dev.ferry.console;

/**
 * The client of the request being handled, for throttling, the log, the cookie and the origin check: from the JDK
 * HTTP server's exchange in {@code ferry serve}, from the servlet request in the WAR; through a trusted proxy as
 * {@link ForwardedFor} says.
 */
public interface ClientAddresses {

    /** The current request's client address, e.g. {@code 192.0.2.7}. */
    String current();

    /** Whether the client used https, so that the session cookie is {@code Secure}. */
    boolean secure();

    /** The host and port the client asked for, e.g. {@code ferry.example.com}, against which a call's {@code Origin} is checked. */
    String host();
}
