package dev.ferry.warehouse;

import java.util.List;

/**
 * The readable external table of the Greenplum family (Greenplum, Cloudberry, AnalyticDB 6), which every segment
 * reads in parallel. Never with {@code LOG ERRORS} or {@code SEGMENT REJECT LIMIT}: a rejected row is dropped with
 * only a notice, so a bad row must fail the load instead.
 * https://cloudberry.apache.org/docs/sql-stmts/create-external-table
 */
final class MppExternalTables {

    private MppExternalTables() {
    }

    /**
     * {@code CREATE READABLE EXTERNAL TABLE name (columns) LOCATION ('location') FORMAT 'CSV' (DELIMITER 'd') ENCODING 'e'}.
     *
     * @param location what runs; {@code shownLocation} what is shown (keys masked)
     */
    static Sql create(ExternalFiles files, String name, String location, String shownLocation) {
        String head = "CREATE READABLE EXTERNAL TABLE " + name + " " + files.definition() + " LOCATION (";
        String tail = ") FORMAT 'CSV' (DELIMITER " + ExternalFiles.literal(files.format().delimiter()) + ")"
                + " ENCODING " + ExternalFiles.literal(files.format().encoding());
        return new Sql(head + ExternalFiles.literal(location) + tail, head + ExternalFiles.literal(shownLocation) + tail);
    }

    static List<Sql> drop(String name) {
        return List.of(Sql.of("DROP EXTERNAL TABLE " + name));
    }

    /**
     * Every data file of the partition and nothing else: the files are named {@code part-NNNNN.csv[.gz]}, so {@code
     * PREFIX/part-} matches no manifest, no hidden temporary file and no nested partition; that no data file outside
     * the manifest is there was checked before the load.
     */
    static String dataFiles(ExternalFiles files) {
        return files.prefix() + "part-";
    }
}
