package dev.ferry.extract;

import dev.ferry.partition.Compression;
import dev.ferry.partition.CsvFormat;
import dev.ferry.partition.Manifest;
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

/** Extracts one business date's rows from a database into a partition of the object store, as CSV files. */
@Named("extract")
@Dependent
public class ExtractBatchlet extends FerryBatchlet {

    @Inject
    ObjectStore store;

    @Inject
    ManifestLedger ledger;

    /** The SELECT whose rows are extracted, with variables, e.g. {@code SELECT * FROM t WHERE c = DATE '${mydate}'}. Required. */
    @Inject
    @BatchProperty
    String query;

    /** Store prefix of the partition, e.g. {@code rds/t3/${mydate}/}. Required. */
    @Inject
    @BatchProperty
    String target;

    /** Field delimiter, one character. Default {@code |}. */
    @Inject
    @BatchProperty
    String delimiter;

    /** PostgreSQL encoding name of the files. Default {@code UTF8}. */
    @Inject
    @BatchProperty
    String encoding;

    /** Whether each file starts with a line of column names. Default {@code false}. */
    @Inject
    @BatchProperty
    String header;

    /** {@code none} (default) or {@code gzip}. */
    @Inject
    @BatchProperty
    String compression;

    /** Start a new file {@code part-NNNNN} once a file holds this many uncompressed bytes; 0 for one file. Default 1073741824 (1 GiB). */
    @Inject
    @BatchProperty
    String maxFileBytes;

    /**
     * Fewest rows a date may have: fewer fail the step and nothing is published (a source whose day has not
     * arrived yet must not close the date with an empty load). Default 0.
     */
    @Inject
    @BatchProperty
    String minRows;

    @Override
    protected StepReport run(StepScope scope) throws Exception {
        String name = databaseName(scope);
        String sql = scope.required("query", query);
        Partition partition = scope.parse("target", scope.required("target", target), prefix -> new Partition(store, prefix));
        CsvFormat format = new CsvFormat(
                scope.parse("delimiter", scope.optional("delimiter", delimiter, "|"), CsvFormat::checkDelimiter),
                scope.parse("encoding", scope.optional("encoding", encoding, "UTF8"), CsvFormat::checkEncoding),
                scope.flag("header", header, false),
                scope.parse("compression", scope.optional("compression", compression, "none"), Compression::parse));
        long maxBytes = scope.parse("maxFileBytes", scope.optional("maxFileBytes", maxFileBytes, "1073741824"), Long::parseLong);
        if (maxBytes < 0) {
            throw scope.invalid("maxFileBytes", "must be 0 (one file) or a positive number of bytes");
        }
        long fewest = scope.parse("minRows", scope.optional("minRows", minRows, "0"), Long::parseLong);
        if (fewest < 0) {
            throw scope.invalid("minRows", "must be 0 or more");
        }
        String mydate = scope.variables().mydate().map(Object::toString).orElse(null);
        Extractor.Request request = new Extractor.Request(scope.flow(), scope.step(), mydate, name, sql, partition, format, maxBytes,
                fewest);
        Progress progress = scope.progress();
        try (Connection connection = connect(scope, name)) {
            Manifest manifest = new Extractor(ledger).extract(connection, request, progress);
            return new StepReport(manifest.rows(), manifest.bytes(), manifest.files().size(), progress.elapsed().toMillis());
        }
    }
}
