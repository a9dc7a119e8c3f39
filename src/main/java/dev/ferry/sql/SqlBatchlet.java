package dev.ferry.sql;

import dev.ferry.flow.FlowDefinitions;
import dev.ferry.step.FerryBatchlet;
import dev.ferry.step.PropertyValues;
import dev.ferry.step.StepProperty;
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

    // Its own properties (SqlSpec.PROPERTIES), which JSR-352 injects into fields.
    @Inject
    @BatchProperty
    String script;

    @Inject
    @BatchProperty
    String scriptFile;

    @Inject
    @BatchProperty
    String transaction;

    @Inject
    FlowDefinitions flows;

    @Override
    protected String kind() {
        return StepReport.SQL;
    }

    @Override
    protected List<StepProperty> properties() {
        return SqlSpec.PROPERTIES;
    }

    @Override
    protected StepReport run(PropertyValues values) throws Exception {
        StepScope scope = values.scope();
        SqlSpec spec = SqlSpec.read(values);
        String property = spec.script() == null ? "scriptFile" : "script";
        String text = scope.resolve(property, scriptText(scope, spec));
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
        try (Connection connection = connect(scope, spec.database())) {
            long rows = new ScriptRunner().run(connection, statements, spec.oneTransaction(), label);
            return new StepReport(rows, 0, 0, System.currentTimeMillis() - started, StepReport.SQL);
        } finally {
            alive.shutdownNow();
        }
    }

    private String scriptText(StepScope scope, SqlSpec spec) throws IOException {
        if (spec.script() != null) {
            return spec.script();
        }
        return ScriptFile.read(spec.scriptFile(), flows.loader())
                .orElseThrow(() -> scope.invalid("scriptFile", ScriptFile.notFound(spec.scriptFile())));
    }
}
