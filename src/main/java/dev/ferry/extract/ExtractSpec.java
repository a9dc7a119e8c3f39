package dev.ferry.extract;

import static dev.ferry.step.StepProperty.optional;
import static dev.ferry.step.StepProperty.required;

import dev.ferry.db.MoreConnections;
import dev.ferry.partition.Compression;
import dev.ferry.partition.CsvFormat;
import dev.ferry.step.PropertyValues;
import dev.ferry.step.StepProperty;
import dev.ferry.store.StoreKeys;
import java.util.List;
import java.util.regex.Pattern;

/** What an extract step is given: where it reads, where it writes, and the files' format. */
public record ExtractSpec(String database, String query, String target, CsvFormat format, long maxFileBytes, long minRows,
                          int parallel, String splitBy) {

    private static final Pattern COLUMN = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*|\"([^\"]|\"\")+\"");

    public static final List<StepProperty> PROPERTIES = StepProperty.withCommon(
            required("query", "The SELECT whose rows are extracted, with variables, e.g. SELECT * FROM t WHERE c = DATE '${mydate}'"),
            required("target", "Store prefix of the partition, e.g. rds/t3/${mydate}/"),
            optional("delimiter", "|", "Field delimiter, one character"),
            optional("encoding", "UTF8", "PostgreSQL encoding name of the files"),
            optional("header", "false", "Whether each file starts with a line of column names"),
            optional("compression", "none", "none or gzip"),
            optional("maxFileBytes", "1073741824", "Start a new file part-NNNNN once a file holds this many uncompressed bytes; 0 for one file"),
            optional("minRows", "0", "Fewest rows a date may have: fewer fail the step and nothing is published"),
            optional("parallel", "auto", "Streams that read the query at once, in one snapshot, each a range of the table's pages:"
                    + " a number from 1 to 16, or auto (one per 256 MB of the table, at most 4); a query that is not a scan of one"
                    + " table runs as one stream unless splitBy names a column"),
            optional("splitBy", null, "A column of the query's result (integer, numeric, date or timestamp) whose value ranges the"
                    + " parallel streams read, for a query that is not a scan of one table (a join); best with an index on it"));

    public static ExtractSpec read(PropertyValues values) {
        return new ExtractSpec(values.text("database"), values.text("query").strip().replaceAll("[\\s;]+$", ""),
                values.parse("target", StoreKeys::prefix), format(values), values.whole("maxFileBytes", 0), values.whole("minRows", 0),
                values.parse("parallel", MoreConnections::parseParallel), values.isSet("splitBy") ? values.parse("splitBy", ExtractSpec::column) : null);
    }

    private static String column(String name) {
        if (!COLUMN.matcher(name.strip()).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a column name (a plain or double-quoted identifier)");
        }
        return name.strip();
    }

    /** The files' format as an extract writes it and a load reads it. */
    static CsvFormat format(PropertyValues values) {
        return new CsvFormat(values.parse("delimiter", CsvFormat::checkDelimiter), values.parse("encoding", CsvFormat::checkEncoding),
                values.flag("header"), values.parse("compression", Compression::parse));
    }

}
