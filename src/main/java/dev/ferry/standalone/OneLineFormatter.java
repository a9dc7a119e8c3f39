package dev.ferry.standalone;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;

/**
 * {@code 12:00:01 rds-to-adb/extract: 1,000 rows ...}; the level only when it is a warning or worse. A library's
 * exception (HikariCP's warning about a connection whose backend was terminated) is its message on the same line;
 * its stack trace only with {@code -v} ({@value #STACK_TRACES} in the logging configuration).
 */
public final class OneLineFormatter extends Formatter {

    static final String STACK_TRACES = "dev.ferry.standalone.OneLineFormatter.stackTraces";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final boolean stackTraces;

    /** As the logging configuration says ({@link LogSetup}). */
    public OneLineFormatter() {
        this(Boolean.parseBoolean(LogManager.getLogManager().getProperty(STACK_TRACES)));
    }

    OneLineFormatter(boolean stackTraces) {
        this.stackTraces = stackTraces;
    }

    @Override
    public String format(LogRecord r) {
        String time = LocalTime.ofInstant(r.getInstant(), ZoneId.systemDefault()).format(TIME);
        String level = r.getLevel().intValue() >= Level.WARNING.intValue() ? r.getLevel().getName() + " " : "";
        StringBuilder line = new StringBuilder(time).append(' ').append(level).append(formatMessage(r));
        if (r.getThrown() != null && !stackTraces) {
            for (Throwable t = r.getThrown(); t != null; t = t.getCause() == t ? null : t.getCause()) {
                line.append(": ").append(t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName());
            }
        }
        line.append(System.lineSeparator());
        if (r.getThrown() != null && stackTraces) {
            StringWriter trace = new StringWriter();
            r.getThrown().printStackTrace(new PrintWriter(trace));
            line.append(trace);
        }
        return line.toString();
    }
}
