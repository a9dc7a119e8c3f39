package dev.ferry.sql;

import dev.ferry.flow.FlowDefinitions;
import dev.ferry.step.FerryBatchlet;
import dev.ferry.step.StepReport;
import dev.ferry.step.StepScope;
import jakarta.batch.api.BatchProperty;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.IOException;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Runs a SQL script on a named database, e.g. oss_fdw DDL and {@code INSERT ... SELECT} written for the
 * reference system, with {@code ${mydate}}-style variables resolved before the first statement runs.
 */
@Named("sql")
@Dependent
public class SqlBatchlet extends FerryBatchlet {

    private static final Logger LOG = Logger.getLogger(SqlBatchlet.class.getName());

    /** The script itself. Either this or {@code scriptFile}. */
    @Inject
    @BatchProperty
    String script;

    /**
     * A script file: a path, or a file beside the flow's job XML in the flows folder, or a resource on the
     * class path such as {@code sql/daily.sql}. Either this or {@code script}.
     */
    @Inject
    @BatchProperty
    String scriptFile;

    /** {@code single} (default): all statements in one transaction; {@code per-statement}: each commits on its own. */
    @Inject
    @BatchProperty
    String transaction;

    @Inject
    FlowDefinitions flows;

    @Override
    protected StepReport run(StepScope scope) throws Exception {
        String name = databaseName(scope);
        boolean oneTransaction = switch (scope.optional("transaction", transaction, "single")) {
            case "single" -> true;
            case "per-statement" -> false;
            default -> throw scope.invalid("transaction", "'" + transaction + "' is not one of single, per-statement");
        };
        String property = script == null || script.isBlank() ? "scriptFile" : "script";
        String text = scope.resolve(property, scriptText(scope));
        List<SqlStatement> statements = scope.parse(property, text, SqlScript::split);
        long started = System.currentTimeMillis();
        String label = scope.label();
        // A statement that runs (or waits for a lock) long says so every 5 s, as extracts and loads report their rows.
        ScheduledExecutorService alive = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "ferry-sql-progress");
            thread.setDaemon(true);
            return thread;
        });
        alive.scheduleAtFixedRate(() -> LOG.info(() -> label + ": still running after "
                + (System.currentTimeMillis() - started) / 1000 + " s"), 5, 5, TimeUnit.SECONDS);
        try (Connection connection = connect(scope, name)) {
            long rows = new ScriptRunner().run(connection, statements, oneTransaction, label);
            return new StepReport(rows, 0, 0, System.currentTimeMillis() - started);
        } finally {
            alive.shutdownNow();
        }
    }

    private String scriptText(StepScope scope) throws IOException {
        boolean inline = script != null && !script.isBlank();
        boolean file = scriptFile != null && !scriptFile.isBlank();
        if (inline == file) {
            throw scope.invalid(inline ? "script" : "script, scriptFile", "set exactly one of script and scriptFile");
        }
        if (inline) {
            return script;
        }
        String location = scope.resolve("scriptFile", scriptFile);
        return ScriptFile.read(location, flows.loader())
                .orElseThrow(() -> scope.invalid("scriptFile", ScriptFile.notFound(location)));
    }
}
