package dev.ferry.extract;

import dev.ferry.db.MoreConnections;
import dev.ferry.partition.Manifest;
import dev.ferry.partition.ManifestLedger;
import dev.ferry.partition.Partition;
import dev.ferry.partition.PartitionFeed;
import dev.ferry.partition.PartitionFeeds;
import dev.ferry.step.FerryBatchlet;
import dev.ferry.step.Progress;
import dev.ferry.step.PropertyValues;
import dev.ferry.step.StepFailedException;
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
import java.util.Optional;

/** Extracts one business date's rows from a database into a partition of the object store, as CSV files. */
@Named("extract")
@Dependent
public class ExtractBatchlet extends FerryBatchlet {

    @Inject
    ObjectStore store;

    @Inject
    ManifestLedger ledger;

    @Inject
    PartitionFeeds feeds;

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

    @Inject
    @BatchProperty
    String splitBy;

    @Override
    protected String kind() {
        return StepReport.EXTRACT;
    }

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
                spec.format(), spec.maxFileBytes(), spec.minRows(), spec.parallel(), spec.splitBy(), attempt());
        Progress progress = scope.progress();
        try (Connection connection = connect(scope, spec.database())) {
            MoreConnections more = more(scope, spec.database());
            Manifest manifest = new Extractor(ledger).extract(connection, more, request, feeds.feed(executionId(), partition.prefix()),
                    progress);
            return new StepReport(manifest.rows(), manifest.bytes(), manifest.files().size(), progress.elapsed().toMillis(),
                    StepReport.EXTRACT);
        }
    }

    @Override
    protected boolean writesToStore() {
        return true;
    }

    @Override
    protected void skipped(StepScope scope) {
        feed(scope).ifPresent(PartitionFeed::skipped);
    }

    @Override
    protected void failed(StepScope scope, StepFailedException failure) {
        feed(scope).ifPresent(feed -> feed.failed(failure.getMessage()));
    }

    /** The feed of this step's partition, for a load that follows it; none when its target cannot be resolved. */
    private Optional<PartitionFeed> feed(StepScope scope) {
        try {
            return Optional.of(feeds.feed(executionId(), scope.required("target", target)));
        } catch (RuntimeException e) {
            return Optional.empty(); // a load that follows this step notices it ended without publishing
        }
    }
}
