package dev.ferry.warehouse;

import dev.ferry.partition.CsvFormat;
import dev.ferry.partition.ManifestFile;
import dev.ferry.store.StoreLocation;
import java.util.List;

/**
 * What a warehouse is to read itself: a partition's files, where the store keeps them, and the columns they hold.
 *
 * @param schema   where the readers are made (the target's schema), quoted for SQL
 * @param tag      what makes this load's reader names its own, e.g. {@code 4f2a9c1e}
 * @param columns  the files' columns in order, with the types the readers parse them as
 * @param prefix   the partition's store prefix, e.g. {@code rds/t3/20240101/}
 * @param files    exactly the manifest's data files
 * @param settings the warehouse's {@code ferry.db.NAME.*} settings for reading the store
 */
public record ExternalFiles(String schema, String tag, List<Column> columns, CsvFormat format, String prefix, List<ManifestFile> files,
                            StoreLocation location, WarehouseSettings settings) {

    public ExternalFiles {
        columns = List.copyOf(columns);
        files = List.copyOf(files);
    }

    /** @param name quoted for SQL; @param type as {@code format_type} prints it */
    public record Column(String name, String type) {
    }

    /** The columns as a table definition: {@code (a integer, b text)}. */
    String definition() {
        StringBuilder sql = new StringBuilder("(");
        for (Column column : columns) {
            sql.append(sql.length() == 1 ? "" : ", ").append(column.name()).append(' ').append(column.type());
        }
        return sql.append(')').toString();
    }

    /** A reader's name, unique to this load: {@code schema.ferry_ext_TAG_N}. */
    String readerName(int n) {
        return schema + ".ferry_ext_" + tag + "_" + n;
    }

    /** An SQL string literal. */
    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
