package dev.ferry.load;

import static dev.ferry.step.StepProperty.optional;
import static dev.ferry.step.StepProperty.required;

import dev.ferry.step.PropertyValues;
import dev.ferry.step.StepProperty;
import java.util.List;

/** What a load step is given: the partition it reads, the table it fills, and how it replaces what is there. */
public record LoadSpec(String database, String table, String source, List<String> columns, LoadMode mode, String replaceWhere,
                       String follow, CopyFormat copyFormat) {

    public static final List<StepProperty> PROPERTIES = StepProperty.withCommon(
            required("table", "Target table, table or schema.table"),
            required("source", "Store prefix of the partition, e.g. rds/t3/${mydate}/"),
            optional("columns", "", "Target columns in the files' order, comma-separated; empty for all columns in table order"),
            optional("mode", "replace", "replace (delete the rows of replaceWhere, then load), append or truncate"),
            optional("replaceWhere", null, "For mode replace: the condition of the rows this date replaces, e.g. c = DATE '${mydate}'"),
            optional("follow", null, "The id of the extract step that writes source, when both run side by side in a split:"
                    + " the load reads each file as soon as it is written and commits after the manifest (overlap)"),
            optional("copyFormat", "auto", "auto (Ferry sends the rows in PostgreSQL's binary format when it can encode every target"
                    + " column's type, else as CSV) or csv (the server parses the files' CSV)"));

    public static LoadSpec read(PropertyValues values) {
        LoadMode mode = values.parse("mode", LoadMode::parse);
        String replaceWhere = values.isSet("replaceWhere") ? values.text("replaceWhere") : null;
        if (mode == LoadMode.REPLACE && replaceWhere == null) {
            throw values.scope().invalid("replaceWhere", "mode replace needs replaceWhere, the condition of the rows this date replaces,"
                    + " e.g. c = DATE '${mydate}'; or use mode append or truncate");
        }
        return new LoadSpec(values.text("database"), values.parse("table", Identifiers::table), values.text("source"),
                values.parse("columns", Identifiers::columns), mode, replaceWhere, values.isSet("follow") ? values.text("follow").strip() : null,
                values.parse("copyFormat", CopyFormat::parse));
    }
}
