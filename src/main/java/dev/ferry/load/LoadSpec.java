package dev.ferry.load;

import static dev.ferry.step.StepProperty.optional;
import static dev.ferry.step.StepProperty.required;

import dev.ferry.db.MoreConnections;
import dev.ferry.sql.SqlScript;
import dev.ferry.step.PropertyValues;
import dev.ferry.step.StepProperty;
import dev.ferry.step.StepScope;
import dev.ferry.store.StoreKeys;
import dev.ferry.variables.BusinessDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What a load step is given: the partition it reads, the table it fills, and how it replaces what is there. */
public record LoadSpec(String database, String table, String source, List<String> columns, LoadMode mode, ReplaceWhere replaceWhere,
                       String follow, CopyFormat copyFormat, String loadedTable, Loader.Exchange exchange, LoadMethod method) {

    public static final List<StepProperty> PROPERTIES = StepProperty.withCommon(
            required("table", "Target table, table or schema.table"),
            required("source", "Store prefix of the partition, e.g. rds/t3/${mydate}/"),
            optional("columns", "", "Target columns in the files' order, comma-separated; empty for all columns in table order"),
            optional("mode", "replace", "replace (delete the rows of replaceWhere, then load), append, truncate, or exchange (load a"
                    + " staging table and swap it in for the date's partition of a partitioned table)"),
            optional("partitionValue", null, "For mode exchange: a value of the partition key that the date's partition holds, e.g."
                    + " ${mydate|yyyy-MM-dd}; Ferry finds that partition in the catalog"),
            optional("lockTimeout", "10", "For mode exchange: seconds each attempt at the swap waits for the table's lock before it backs"
                    + " off and tries again (a long reader delays the swap, it is never cancelled)"),
            optional("parallel", "1", "For mode exchange: sessions that fill the staging table at once (1 to 16, or auto: one per"
                    + " 256 MB of files, at most 4), each taking whole files; no more than the files, nor than the pool can spare"),
            optional("keepPrevious", "false", "For mode exchange: keep the rows swapped out as a table PARTITION_previous instead of"
                    + " dropping them"),
            optional("createPartition", "false", "For mode exchange: where no partition holds partitionValue, attach the loaded staging"
                    + " table as the date's new partition TABLE_yyyyMMdd (FOR VALUES IN the value, or FROM the value TO a day later on a"
                    + " RANGE table of a date or timestamp key) instead of refusing; on Greenplum 6 the swap adds it with ADD PARTITION"),
            optional("replaceWhere", null, "For mode replace: the condition of the rows this date replaces, one SQL expression, e.g."
                    + " c = DATE '${mydate}'. A load is refused when it also selects rows of the dates before or after"),
            optional("replacePeriod", "day", "For mode replace: how much replaceWhere selects, day, week, month or year (a daily run"
                    + " that rebuilds its month so far): the load checks that it selects no row of the period before or after"),
            optional("follow", null, "The id of the extract step that writes source, when both run side by side in a split:"
                    + " the load reads each file as soon as it is written and commits after the manifest (overlap)"),
            optional("loadedTable", "ferry_loaded", "For mode append: the warehouse table (table or schema.table, made on first use)"
                    + " where each appended partition is recorded in the load's transaction, so that a retry or restart never appends it twice"),
            optional("method", "copy", "copy (Ferry streams each file into COPY ... FROM STDIN) or external (the warehouse reads the"
                    + " files itself through a foreign or external table, INSERT ... SELECT: file_fdw on PostgreSQL, oss_fdw or gpossext on"
                    + " AnalyticDB, s3:// or gpfdist:// on Greenplum and Cloudberry; see ferry.db.NAME.dialect)"),
            optional("copyFormat", "auto", "auto (Ferry sends the rows in PostgreSQL's binary format when it can encode every target"
                    + " column's type, else as CSV) or csv (the server parses the files' CSV)"));

    public static LoadSpec read(PropertyValues values) {
        LoadMode mode = values.parse("mode", LoadMode::parse);
        ReplaceWhere replaceWhere = values.isSet("replaceWhere") ? replaceWhere(values) : null;
        if (mode == LoadMode.REPLACE && replaceWhere == null) {
            throw values.scope().invalid("replaceWhere", "mode replace needs replaceWhere, the condition of the rows this date replaces,"
                    + " e.g. c = DATE '${mydate}'; or use mode append or truncate");
        }
        Loader.Exchange exchange = null;
        if (mode == LoadMode.EXCHANGE) {
            if (!values.isSet("partitionValue")) {
                throw values.scope().invalid("partitionValue", "mode exchange needs partitionValue, a value of the partition key that the"
                        + " date's partition holds, e.g. ${mydate|yyyy-MM-dd}");
            }
            if (values.isSet("follow") && !values.text("parallel").strip().equals("1")) {
                throw values.scope().invalid("parallel", "an exchange that follows its extract fills the staging table in one stream, as"
                        + " the files are written; leave parallel out, or follow out to load the published files in parallel streams");
            }
            exchange = new Loader.Exchange(values.text("partitionValue").strip(),
                    java.time.Duration.ofSeconds(values.whole("lockTimeout", 1)), values.flag("keepPrevious"),
                    values.parse("parallel", MoreConnections::parseParallel), dev.ferry.warehouse.PartitionSwap.DETACH_ATTACH,
                    values.flag("createPartition"));
        } else if (!values.text("parallel").strip().equals("1")) {
            throw values.scope().invalid("parallel", "parallel load streams need mode exchange: each stream is a session of its own,"
                    + " and a " + mode.name().toLowerCase(java.util.Locale.ROOT) + " must clear and load the table in one transaction."
                    + " Partition the table by the date and use mode exchange, or leave parallel out");
        }
        LoadMethod method = values.parse("method", LoadMethod::parse);
        if (method == LoadMethod.EXTERNAL && values.isSet("follow")) {
            throw values.scope().invalid("follow", "method external reads the published partition; leave follow out, so that the load"
                    + " runs after the extract");
        }
        return new LoadSpec(values.text("database"), values.parse("table", Identifiers::table), values.parse("source", StoreKeys::prefix),
                values.parse("columns", Identifiers::columns), mode, replaceWhere, values.isSet("follow") ? values.text("follow").strip() : null,
                values.parse("copyFormat", CopyFormat::parse), values.parse("loadedTable", Identifiers::table), exchange, method);
    }

    /**
     * replaceWhere for this date and, for the check against deleting other dates' rows, for the periods before
     * and after it; a condition that names no business date selects the same rows for every date and is refused.
     */
    private static ReplaceWhere replaceWhere(PropertyValues values) {
        String condition = values.text("replaceWhere");
        values.parse("replaceWhere", text -> {
            SqlScript.requireOneExpression(text);
            return text;
        });
        ReplaceWhere.Period period = values.parse("replacePeriod", ReplaceWhere.Period::parse);
        StepScope scope = values.scope();
        Optional<BusinessDate> mydate = scope.variables().mydate();
        if (mydate.isEmpty()) {
            return ReplaceWhere.unchecked(condition);
        }
        List<ReplaceWhere.Neighbour> neighbours = new ArrayList<>();
        for (BusinessDate other : List.of(period.before(mydate.get()), period.after(mydate.get()))) {
            String resolved = new StepScope(scope.flow(), scope.step(), scope.variables().withMydate(other))
                    .resolve("replaceWhere", values.raw("replaceWhere"));
            if (resolved.equals(condition)) {
                throw scope.invalid("replaceWhere", "'" + condition + "' names no business date, so every date's run would replace the"
                        + " same rows; name the date (e.g. c = DATE '${mydate|yyyy-MM-dd}'), or use mode truncate to replace the whole table");
            }
            neighbours.add(new ReplaceWhere.Neighbour(other, resolved));
        }
        return new ReplaceWhere(condition, neighbours);
    }
}
