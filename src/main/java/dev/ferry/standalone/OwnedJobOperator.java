package dev.ferry.standalone;

import dev.ferry.recovery.ExecutionOwners;
import java.sql.SQLException;
import java.util.Properties;
import java.util.logging.Logger;
import org.jberet.operations.JobOperatorImpl;
import org.jberet.spi.BatchEnvironment;

/** JBeret's operator that also records this process as the owner of every execution it starts or restarts. */
final class OwnedJobOperator extends JobOperatorImpl {

    private static final Logger LOG = Logger.getLogger(OwnedJobOperator.class.getName());

    private final ExecutionOwners owners;

    OwnedJobOperator(BatchEnvironment environment, ExecutionOwners owners) {
        super(environment);
        this.owners = owners;
    }

    @Override
    public long start(String jobXMLName, Properties jobParameters) {
        return owned(super.start(jobXMLName, jobParameters));
    }

    @Override
    public long restart(long executionId, Properties restartParameters) {
        return owned(super.restart(executionId, restartParameters));
    }

    private long owned(long executionId) {
        try {
            owners.own(executionId);
        } catch (SQLException e) {
            LOG.warning("cannot record the owner of execution " + executionId + ": " + e.getMessage());
        }
        return executionId;
    }
}
