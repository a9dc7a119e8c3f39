package dev.ferry.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** What the command line prints of a library's warning that carries an exception. */
class OneLineFormatterTest {

    static LogRecord hikarisWarning() {
        LogRecord record = new LogRecord(Level.WARNING, "HikariPool-2 - Connection org.postgresql.jdbc.PgConnection@1 marked as broken");
        record.setThrown(new SQLException("An I/O error occurred while sending to the backend.",
                "08006", new java.io.EOFException("terminating connection due to administrator command")));
        return record;
    }

    @Test
    void withoutVerboseAnExceptionIsItsMessagesOnOneLine() {
        String line = new OneLineFormatter(false).format(hikarisWarning());
        assertThat(line.lines()).hasSize(1);
        assertThat(line).contains("WARNING HikariPool-2 - Connection org.postgresql.jdbc.PgConnection@1 marked as broken: An I/O error"
                + " occurred while sending to the backend.: terminating connection due to administrator command");
    }

    @Test
    void withVerboseTheStackTraceFollows() {
        assertThat(new OneLineFormatter(true).format(hikarisWarning()).lines().count()).isGreaterThan(5);
    }
}
