package dev.ferry.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.logging.Logger;

/** Runs a script's statements on one connection, in one transaction or each on its own. */
public final class ScriptRunner {

    private static final Logger LOG = Logger.getLogger(ScriptRunner.class.getName());

    /** A statement failed: which one, on which line, and PostgreSQL's message. */
    public static class StatementFailedException extends SQLException {
        public StatementFailedException(SqlStatement statement, SQLException cause) {
            super("statement " + statement.number() + " (line " + statement.line() + ": " + statement.summary() + ") failed: "
                    + cause.getMessage(), cause.getSQLState(), cause);
        }
    }

    /** Runs every statement; returns the rows they changed in all. In one transaction, a failure rolls all back. */
    public long run(Connection connection, List<SqlStatement> statements, boolean oneTransaction, String label) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(!oneTransaction);
        long total = 0;
        try (Statement jdbc = connection.createStatement()) {
            for (SqlStatement statement : statements) {
                long started = System.nanoTime();
                long rows;
                try {
                    rows = execute(jdbc, statement.sql());
                } catch (SQLException e) {
                    throw new StatementFailedException(statement, e);
                }
                total += Math.max(rows, 0);
                long millis = (System.nanoTime() - started) / 1_000_000;
                LOG.info(() -> String.format("%s: statement %d (line %d) %s: %s in %d ms", label, statement.number(),
                        statement.line(), statement.summary(), rows < 0 ? "done" : rows + " row(s)", millis));
            }
            if (oneTransaction) {
                connection.commit();
            }
            return total;
        } catch (SQLException | RuntimeException e) {
            if (oneTransaction) {
                try {
                    connection.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
            }
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /** Rows changed by the statement, or -1 when it returns rows or reports no count. */
    private static long execute(Statement jdbc, String sql) throws SQLException {
        boolean resultSet = jdbc.execute(sql);
        long rows = resultSet ? -1 : jdbc.getLargeUpdateCount();
        while (jdbc.getMoreResults() || jdbc.getLargeUpdateCount() != -1) {
            // drain further results of a multi-result statement
        }
        return rows;
    }
}
