package dev.ferry.server;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * The admin console in the WAR: the server's Jakarta REST finds the console's resources and providers
 * (package {@code dev.ferry.console}) and serves them, page and API, under the WAR's context, e.g.
 * {@code http://host:8080/ferry/}.
 */
@ApplicationPath("/")
public class ConsoleApplication extends Application {
}
