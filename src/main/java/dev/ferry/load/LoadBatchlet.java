package dev.ferry.load;

import dev.ferry.partition.ManifestLedger;
import dev.ferry.partition.Partition;
import dev.ferry.step.FerryBatchlet;
import dev.ferry.step.Progress;
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

    /** Target table, {@code table} or {@code schema.table}. Required. */
    @Inject
    @BatchProperty
    String table;

    /** Store prefix of the partition, e.g. {@code rds/t3/${mydate}/}. Required. */
    @Inject
    @BatchProperty
    String source;

    /** Target columns in the files' order, comma-separated. Default: all columns in table order. */
    @Inject
    @BatchProperty
    String columns;

    /** {@code replace} (default), {@code append} or {@code truncate}. */
    @Inject
    @BatchProperty
    String mode;

    /** For mode replace: the condition of the rows this date replaces, e.g. {@code c = DATE '${mydate}'}. */
    @Inject
    @BatchProperty
    String replaceWhere;

    @Override
    protected StepReport run(StepScope scope) throws Exception {
        String name = databaseName(scope);
        String tableName = scope.parse("table", scope.required("table", table), Identifiers::table);
        Partition partition = scope.parse("source", scope.required("source", source), prefix -> new Partition(store, prefix));
        List<String> columnList = scope.parse("columns", scope.optional("columns", columns, ""), Loader.Request::parseColumns);
        LoadMode loadMode = scope.parse("mode", scope.optional("mode", mode, "replace"), LoadMode::parse);
        String where = scope.optional("replaceWhere", replaceWhere, null);
        Loader.Request request = scope.parse("replaceWhere", tableName, t -> new Loader.Request(t, columnList, loadMode, where, partition,
                scope.flow(), scope.variables().mydate().map(Object::toString).orElse(null)));
        Progress progress = scope.progress();
        try (Connection connection = connect(scope, name)) {
            Loader.Result result = new Loader(ledger).load(connection, request, progress);
            LOG.info(() -> scope.label() + ": " + request.table() + " (mode " + loadMode.name().toLowerCase(Locale.ROOT)
                    + "): deleted " + result.deletedRows() + " row(s), loaded " + result.loadedRows());
            return new StepReport(result.loadedRows(), result.bytes(), result.files(), progress.elapsed().toMillis());
        }
    }
}
