package dev.ferry.step;

import dev.ferry.db.Databases;
import dev.ferry.db.UnknownDatabaseException;
import jakarta.batch.api.AbstractBatchlet;
import jakarta.batch.api.BatchProperty;
import jakarta.batch.runtime.BatchStatus;
import jakarta.batch.runtime.context.JobContext;
import jakarta.batch.runtime.context.StepContext;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.logging.Logger;
import org.postgresql.PGConnection;

/**
 * What Ferry's batchlets share: the step's scope, the report kept in the job repository, an exit status
 * that says why a step failed, and a {@link #stop()} that cancels the statement or COPY in flight.
 */
public abstract class FerryBatchlet extends AbstractBatchlet {

    private static final Logger LOG = Logger.getLogger(FerryBatchlet.class.getName());

    @Inject
    JobContext jobContext;

    @Inject
    StepContext stepContext;

    @Inject
    Databases databases;

    /** Name of the database the step works on: {@code ferry.db.NAME.*} standalone, its datasource in the WAR. Required. */
    @Inject
    @BatchProperty
    String database;

    /** The exit status of a step left out by the {@code ferry.steps} job parameter. */
    public static final String SKIPPED = "SKIPPED";

    private volatile Connection active;
    private volatile boolean stopping;

    @Override
    public final String process() throws Exception {
        StepScope scope = null;
        try {
            scope = StepScope.of(jobContext, stepContext);
            if (!scope.selected()) {
                LOG.info(scope.flow() + "/" + scope.step() + " skipped: not in " + StepScope.STEPS + "=" + scope.variables().value(StepScope.STEPS).orElse(""));
                stepContext.setExitStatus(SKIPPED);
                return SKIPPED;
            }
            StepReport report = run(scope);
            stepContext.setPersistentUserData(report);
            LOG.info(scope.flow() + "/" + scope.step() + " done: " + report.summary());
            return BatchStatus.COMPLETED.name();
        } catch (Exception e) {
            StepFailedException failure = scope == null ? asFailure(e) : scope.failure(e);
            if (stopping) {
                return BatchStatus.STOPPED.name();
            }
            stepContext.setExitStatus(failure.exitStatus());
            jobContext.setExitStatus(failure.exitStatus());
            throw failure;
        }
    }

    /** Does the step's work after its properties have been checked; everything it throws is reported with where. */
    protected abstract StepReport run(StepScope scope) throws Exception;

    /** The {@code database} property, resolved; checked before any other work. */
    protected final String databaseName(StepScope scope) {
        return scope.required("database", database);
    }

    /**
     * Connects to the database named by the step's {@code database} property; {@link #stop()} cancels
     * what runs on it.
     */
    protected final Connection connect(StepScope scope, String name) {
        try {
            Connection connection = databases.connect(name);
            active = connection;
            return connection;
        } catch (UnknownDatabaseException e) {
            throw scope.invalid("database", e.getMessage());
        }
    }

    @Override
    public void stop() throws Exception {
        stopping = true;
        Connection connection = active;
        if (connection != null) {
            try {
                connection.unwrap(PGConnection.class).cancelQuery();
            } catch (SQLException e) {
                LOG.warning("could not cancel the running statement: " + e.getMessage());
            }
        }
    }

    private static StepFailedException asFailure(Exception e) {
        return e instanceof StepFailedException f ? f : new StepFailedException(String.valueOf(e.getMessage()), e);
    }
}
