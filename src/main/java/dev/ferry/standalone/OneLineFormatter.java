package dev.ferry.standalone;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/** {@code 12:00:01 rds-to-adb/extract: 1,000 rows ...}; the level only when it is a warning or worse. */
public final class OneLineFormatter extends Formatter {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    @Override
    public String format(LogRecord r) {
        String time = LocalTime.ofInstant(r.getInstant(), ZoneId.systemDefault()).format(TIME);
        String level = r.getLevel().intValue() >= Level.WARNING.intValue() ? r.getLevel().getName() + " " : "";
        StringBuilder line = new StringBuilder(time).append(' ').append(level).append(formatMessage(r)).append(System.lineSeparator());
        if (r.getThrown() != null) {
            StringWriter trace = new StringWriter();
            r.getThrown().printStackTrace(new PrintWriter(trace));
            line.append(trace);
        }
        return line.toString();
    }
}
