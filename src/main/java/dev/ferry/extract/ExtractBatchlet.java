package dev.ferry.extract;

import dev.ferry.partition.Manifest;
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

/** Extracts one business date's rows from a database into a partition of the object store, as CSV files. */
@Named("extract")
@Dependent
public class ExtractBatchlet extends FerryBatchlet {

    @Inject
    ObjectStore store;

    @Inject
    ManifestLedger ledger;

    // Its own properties (ExtractSpec.PROPERTIES), which JSR-352 injects into fields.
    @Inject
    @BatchProperty
    String query;

    @Inject
    @BatchProperty
    String target;

    @Inject
    @BatchProperty
    String delimiter;

    @Inject
    @BatchProperty
    String encoding;

    @Inject
    @BatchProperty
    String header;

    @Inject
    @BatchProperty
    String compression;

    @Inject
    @BatchProperty
    String maxFileBytes;

    @Inject
    @BatchProperty
    String minRows;

    @Inject
    @BatchProperty
    String parallel;

    @Override
    protected List<StepProperty> properties() {
        return ExtractSpec.PROPERTIES;
    }

    @Override
    protected StepReport run(PropertyValues values) throws Exception {
        StepScope scope = values.scope();
        ExtractSpec spec = ExtractSpec.read(values);
        Partition partition = values.parse("target", prefix -> new Partition(store, prefix));
        String mydate = scope.variables().mydate().map(Object::toString).orElse(null);
        Extractor.Request request = new Extractor.Request(scope.flow(), scope.step(), mydate, spec.database(), spec.query(), partition,
                spec.format(), spec.maxFileBytes(), spec.minRows(), spec.parallel());
        Progress progress = scope.progress();
        try (Connection connection = connect(scope, spec.database())) {
            Manifest manifest = new Extractor(ledger).extract(connection, () -> connect(scope, spec.database()), request, progress);
            return new StepReport(manifest.rows(), manifest.bytes(), manifest.files().size(), progress.elapsed().toMillis());
        }
    }
}
