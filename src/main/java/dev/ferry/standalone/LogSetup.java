package dev.ferry.standalone;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.logging.LogManager;

/** Log output for the command line: Ferry's progress at INFO, the libraries' warnings, all on stderr. */
final class LogSetup {

    private LogSetup() {
    }

    static void forCommandLine(boolean verbose) {
        // Levels go through the LogManager's configuration: a level set on a Logger object is lost when
        // that logger is garbage-collected.
        String config = String.join("\n",
                "handlers=java.util.logging.ConsoleHandler",
                "java.util.logging.ConsoleHandler.level=ALL",
                "java.util.logging.ConsoleHandler.formatter=" + OneLineFormatter.class.getName(),
                OneLineFormatter.STACK_TRACES + "=" + verbose,
                ".level=" + (verbose ? "INFO" : "WARNING"),
                "dev.ferry.level=INFO",
                // JBeret logs a failed step's stack trace; Ferry prints the step's reason itself.
                "org.jberet.level=" + (verbose ? "INFO" : "OFF"));
        try {
            LogManager.getLogManager().readConfiguration(new ByteArrayInputStream(config.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
