package dev.ferry.load;

import dev.ferry.partition.ManifestLedger;
import dev.ferry.partition.Partition;
import dev.ferry.partition.PartitionFeeds;
import dev.ferry.run.RunControl;
import dev.ferry.step.FerryBatchlet;
import dev.ferry.step.Progress;
import dev.ferry.step.PropertyValues;
import dev.ferry.step.StepProperty;
import dev.ferry.step.StepReport;
import dev.ferry.step.StepScope;
import dev.ferry.store.ObjectStore;
import dev.ferry.warehouse.Dialect;
import dev.ferry.warehouse.Warehouses;
import jakarta.batch.api.BatchProperty;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.batch.runtime.BatchStatus;
import jakarta.batch.runtime.JobExecution;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.sql.Connection;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

/** Loads a partition that an extract published into a table, all or nothing. */
@Named("load")
@Dependent
public class LoadBatchlet extends FerryBatchlet {

    private static final Logger LOG = Logger.getLogger(LoadBatchlet.class.getName());

    @Inject
    ObjectStore store;

    @Inject
    ManifestLedger ledger;

    @Inject
    PartitionFeeds feeds;

    /** Whether an attempt of this step has followed its extract already: a retry loads what was published. */
    private boolean followed;

    // Its own properties (LoadSpec.PROPERTIES), which JSR-352 injects into fields.
    @Inject
    @BatchProperty
    String table;

    @Inject
    @BatchProperty
    String source;

    @Inject
    @BatchProperty
    String columns;

    @Inject
    @BatchProperty
    String mode;

    @Inject
    @BatchProperty
    String replaceWhere;

    @Inject
    @BatchProperty
    String replacePeriod;

    @Inject
    @BatchProperty
    String partitionValue;

    @Inject
    @BatchProperty
    String lockTimeout;

    @Inject
    @BatchProperty
    String keepPrevious;

    @Inject
    @BatchProperty
    String createPartition;

    @Inject
    @BatchProperty
    String parallel;

    @Inject
    @BatchProperty
    String follow;

    @Inject
    @BatchProperty
    String copyFormat;

    @Inject
    @BatchProperty
    String method;

    @Inject
    Warehouses warehouses;

    @Inject
    @BatchProperty
    String loadedTable;

    @Override
    protected String kind() {
        return StepReport.LOAD;
    }

    @Override
    protected List<StepProperty> properties() {
        return LoadSpec.PROPERTIES;
    }

    @Override
    protected StepReport run(PropertyValues values) throws Exception {
        StepScope scope = values.scope();
        LoadSpec spec = LoadSpec.read(values);
        Partition partition = values.parse("source", prefix -> new Partition(store, prefix));
        Progress progress = scope.progress();
        try (Connection connection = connect(scope, spec.database())) {
            Dialect dialect = dialect(scope, connection, spec);
            Loader.Request request = new Loader.Request(spec.table(), spec.columns(), spec.mode(), spec.replaceWhere(), partition,
                    scope.flow(), scope.variables().mydate().map(Object::toString).orElse(null), spec.copyFormat(),
                    new Loader.Run(instanceId(), executionId(), scope.variables().value(RunControl.FORCED).map(Boolean::parseBoolean)
                            .orElse(false), spec.loadedTable(), fence(scope)),
                    spec.exchange() == null ? null : spec.exchange().swappedBy(dialect.partitionSwap()),
                    spec.method() == LoadMethod.EXTERNAL ? new Loader.External(dialect, warehouses.settings(spec.database())) : null);
            Loader.Result result = spec.follow() == null ? new Loader(ledger).load(connection, more(scope, spec.database()), request, progress)
                    : following(connection, spec.follow(), request, progress);
            LOG.info(() -> scope.label() + ": " + request.table() + " (mode " + spec.mode().name().toLowerCase(Locale.ROOT) + "): "
                    + (spec.mode() == LoadMode.EXCHANGE ? "" : "deleted " + result.deletedRows() + " row(s), ")
                    + "loaded " + result.loadedRows() + " " + result.copy());
            return new StepReport(result.loadedRows(), result.bytes(), result.files(), progress.elapsed().toMillis(), StepReport.LOAD);
        }
    }

    /** The date's claim as this step began, to be checked again just before the load commits. */
    private Loader.Fence fence(StepScope scope) {
        return fence().isPresent() ? new Loader.Fence(fence().getAsLong(), () -> fenceNow(scope)) : null;
    }

    /** The warehouse's dialect; a mode it cannot do is refused before anything runs. */
    private Dialect dialect(StepScope scope, Connection connection, LoadSpec spec) throws java.sql.SQLException {
        Dialect dialect;
        try {
            dialect = warehouses.dialect(connection, spec.database());
        } catch (IllegalArgumentException e) {
            throw scope.invalid("database", e.getMessage());
        }
        java.util.Optional<String> cannot = spec.mode() == LoadMode.EXCHANGE ? dialect.cannotExchange(spec.database()) : java.util.Optional.empty();
        if (cannot.isPresent()) {
            throw scope.invalid("mode", cannot.get());
        }
        return dialect;
    }

    /**
     * The load of a flow whose extract runs beside it ({@code follow}): the first attempt reads the files as the
     * extract writes them. When that extract completed in an earlier execution (a restart after a failed load),
     * or this is a retry, the load reads what the extract published, as any load does, once it has.
     */
    private Loader.Result following(Connection connection, String extractStep, Loader.Request request, Progress progress)
            throws Exception {
        JobOperator operator = BatchRuntime.getJobOperator();
        long execution = executionId();
        String prefix = request.partition().prefix();
        try {
            if (!followed && !completedEarlier(operator, execution, extractStep)) {
                followed = true;
                return new Loader(ledger).loadFollowing(connection, request, feeds.feed(execution, prefix),
                        () -> ended(operator, execution, extractStep), progress);
            }
            while (!ended(operator, execution, extractStep) && !completedEarlier(operator, execution, extractStep)) {
                Thread.sleep(500);
            }
            return new Loader(ledger).load(connection, request, progress);
        } finally {
            feeds.forget(execution, prefix);
        }
    }

    /** Whether {@code step} completed in an execution of this job instance before this one. */
    private static boolean completedEarlier(JobOperator operator, long execution, String step) {
        for (JobExecution earlier : operator.getJobExecutions(operator.getJobInstance(execution))) {
            if (earlier.getExecutionId() != execution && operator.getStepExecutions(earlier.getExecutionId()).stream()
                    .anyMatch(s -> s.getStepName().equals(step) && s.getBatchStatus() == BatchStatus.COMPLETED)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code step} has run and ended in this execution. */
    private static boolean ended(JobOperator operator, long execution, String step) {
        return operator.getStepExecutions(execution).stream().anyMatch(s -> s.getStepName().equals(step)
                && s.getBatchStatus() != BatchStatus.STARTING && s.getBatchStatus() != BatchStatus.STARTED);
    }
}
