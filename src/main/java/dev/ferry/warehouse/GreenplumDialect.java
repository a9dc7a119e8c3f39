package dev.ferry.warehouse;

import dev.ferry.store.StoreLocation;
import java.util.List;
import java.util.Optional;

/**
 * Greenplum 6/7 and Apache Cloudberry: every segment reads the partition at once through a readable external table,
 * {@code s3://} over a bucket (the keys in the s3 protocol's configuration file on the segment hosts, never in
 * SQL) or {@code gpfdist://} over a folder store that a gpfdist serves.
 * https://cloudberry.apache.org/docs/sql-stmts/create-external-table ("s3://&lt;S3_endpoint&gt;[:&lt;port&gt;]/&lt;bucket_name&gt;/[&lt;S3_prefix&gt;]
 * [region=&lt;S3-region&gt;] [config=&lt;config_file&gt; | config_server=&lt;url&gt;]"; "gpfdist://&lt;filehost&gt;[:&lt;port&gt;]/&lt;file_pattern&gt;").
 * Not run here: no Greenplum or Cloudberry on this machine; its statements are tested as text.
 */
final class GreenplumDialect implements Dialect {

    private final String name;

    /** @param name {@code greenplum} (6 or 7, told by the reader only), {@code greenplum6}, {@code greenplum7} or {@code cloudberry} */
    GreenplumDialect(String name) {
        this.name = name;
    }

    /**
     * Greenplum 6 swaps with its own EXCHANGE PARTITION; Greenplum 7 and Cloudberry have PostgreSQL's declarative
     * partitions, swapped with DETACH and ATTACH of a staging table of the partition's distribution. A plain
     * {@code greenplum} does not say which, and the two differ in catalog and statements.
     */
    @Override
    public PartitionSwap partitionSwap() {
        return switch (name) {
            case "greenplum6" -> PartitionSwap.EXCHANGE_PARTITION;
            case "greenplum7", "cloudberry" -> PartitionSwap.DETACH_ATTACH_DISTRIBUTED;
            default -> PartitionSwap.NONE;
        };
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Optional<String> cannotRead(ExternalFiles files) {
        if (files.format().header()) {
            return Optional.of("method external on " + name + ": the files have a header line, which an external table over"
                    + " several files cannot be trusted to skip in each; extract without header, or use method copy");
        }
        if (files.location() instanceof StoreLocation.Bucket && files.settings().s3Config().isEmpty()) {
            return Optional.of("method external on " + name + " reads a bucket with the s3 protocol, whose keys are in a configuration"
                    + " file on every segment host: set " + files.settings().key("s3-config") + " to its path (e.g."
                    + " /home/gpadmin/s3.conf), or use method copy");
        }
        if (files.location() instanceof StoreLocation.Folder && files.settings().gpfdist().isEmpty()) {
            return Optional.of("method external on " + name + " reads a folder store through gpfdist: start gpfdist -d on the store's"
                    + " folder and set " + files.settings().key("gpfdist") + " to it (e.g. gpfdist://etl1:8081), or use method copy");
        }
        return Optional.empty();
    }

    @Override
    public List<Sql> prepare(ExternalFiles files) {
        return List.of();
    }

    @Override
    public List<ExternalReader> readers(ExternalFiles files) {
        String reader = files.readerName(0);
        String location;
        if (files.location() instanceof StoreLocation.Bucket bucket) {
            String endpoint = bucket.endpoint().isEmpty() ? "s3.amazonaws.com" : bucket.endpoint().replaceFirst("^https?://", "");
            location = "s3://" + endpoint + "/" + bucket.bucket() + "/" + bucket.objectKey(MppExternalTables.dataFiles(files))
                    + (bucket.region().isEmpty() ? "" : " region=" + bucket.region()) + " config=" + files.settings().s3Config().orElseThrow();
        } else {
            location = files.settings().gpfdist().orElseThrow().replaceAll("/+$", "") + "/" + MppExternalTables.dataFiles(files) + "*";
        }
        return List.of(new ExternalReader(List.of(MppExternalTables.create(files, reader, location, location)), reader,
                MppExternalTables.drop(reader), files.files()));
    }
}
