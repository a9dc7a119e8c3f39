package dev.ferry.load;

import dev.ferry.partition.ManifestLedger;
import dev.ferry.partition.Partition;
import dev.ferry.step.FerryBatchlet;
import dev.ferry.step.Progress;
import dev.ferry.step.PropertyValues;
import dev.ferry.step.StepProperty;
import dev.ferry.step.StepReport;
import dev.ferry.step.StepScope;
import dev.ferry.store.ObjectStore;
import jakarta.batch.api.BatchProperty;
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

    @Override
    protected List<StepProperty> properties() {
        return LoadSpec.PROPERTIES;
    }

    @Override
    protected StepReport run(PropertyValues values) throws Exception {
        StepScope scope = values.scope();
        LoadSpec spec = LoadSpec.read(values);
        Partition partition = values.parse("source", prefix -> new Partition(store, prefix));
        Loader.Request request = new Loader.Request(spec.table(), spec.columns(), spec.mode(), spec.replaceWhere(), partition,
                scope.flow(), scope.variables().mydate().map(Object::toString).orElse(null));
        Progress progress = scope.progress();
        try (Connection connection = connect(scope, spec.database())) {
            Loader.Result result = new Loader(ledger).load(connection, request, progress);
            LOG.info(() -> scope.label() + ": " + request.table() + " (mode " + spec.mode().name().toLowerCase(Locale.ROOT)
                    + "): deleted " + result.deletedRows() + " row(s), loaded " + result.loadedRows());
            return new StepReport(result.loadedRows(), result.bytes(), result.files(), progress.elapsed().toMillis());
        }
    }
}
