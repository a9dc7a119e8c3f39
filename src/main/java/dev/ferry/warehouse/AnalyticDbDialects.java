package dev.ferry.warehouse;

import static dev.ferry.warehouse.ExternalFiles.literal;

import dev.ferry.partition.Compression;
import dev.ferry.store.StoreLocation;
import java.util.List;
import java.util.Optional;

/**
 * AnalyticDB for PostgreSQL reads an OSS bucket on every compute node at once: version 7 through an {@code oss_fdw}
 * foreign table, version 6 through a {@code gpossext} external table ({@code oss://} location). The keys go only into
 * the statements that run (a user mapping of the load's own server, or the location), which are never shown: what
 * try-run and errors show has them masked. Not run here: no AnalyticDB on this machine; the statements are tested as
 * text against the vendor's documentation.
 */
final class AnalyticDbDialects {

    static final String MASK = "****";

    private AnalyticDbDialects() {
    }

    /** What both versions need: a bucket reached with keys of its own, files without a header. */
    static Optional<String> cannotRead(String dialect, ExternalFiles files) {
        if (!(files.location() instanceof StoreLocation.Bucket bucket)) {
            return Optional.of("method external on " + dialect + " reads an OSS bucket; the store is " + files.location()
                    + ". Use an s3:// store on OSS, or method copy");
        }
        if (bucket.accessKey().isEmpty() || bucket.secretKey().isEmpty()) {
            return Optional.of("method external on " + dialect + " gives the warehouse the store's keys for the read; set"
                    + " ferry.store.s3.access-key and ferry.store.s3.secret-key (the SDK's default credentials cannot be passed on),"
                    + " or use method copy");
        }
        if (files.format().header()) {
            return Optional.of("method external on " + dialect + ": the files have a header line, which an external table over"
                    + " several files cannot be trusted to skip in each; extract without header, or use method copy");
        }
        return Optional.empty();
    }

    /** The endpoint as the warehouse reaches it: {@code ferry.db.NAME.store-endpoint} (an internal one), else the store's, without its scheme. */
    static String endpoint(ExternalFiles files, StoreLocation.Bucket bucket) {
        return files.settings().storeEndpoint().orElse(bucket.endpoint()).replaceFirst("^https?://", "").replaceAll("/+$", "");
    }

    /**
     * AnalyticDB 7: a server and user mapping of the load's own, and a foreign table over the partition's data files
     * (option {@code prefix}). https://www.alibabacloud.com/help/doc-detail/164815.htm: "CREATE SERVER oss_serv FOREIGN
     * DATA WRAPPER oss_fdw OPTIONS (endpoint '...', bucket '...')", "CREATE USER MAPPING FOR PUBLIC SERVER oss_serv
     * OPTIONS (id '...', key '...')", foreign table options prefix, format 'csv', delimiter, encoding, filetype 'gzip'.
     */
    static final class V7 implements Dialect {

        @Override
        public String name() {
            return "adb7";
        }

        /** AnalyticDB 7 is Greenplum 7 inside: PostgreSQL's declarative partitions, with the distribution to match. */
        @Override
        public PartitionSwap partitionSwap() {
            return PartitionSwap.DETACH_ATTACH_DISTRIBUTED;
        }

        @Override
        public Optional<String> cannotRead(ExternalFiles files) {
            return AnalyticDbDialects.cannotRead(name(), files);
        }

        @Override
        public List<Sql> prepare(ExternalFiles files) {
            return List.of(Sql.of("CREATE EXTENSION IF NOT EXISTS oss_fdw"));
        }

        @Override
        public List<ExternalReader> readers(ExternalFiles files) {
            StoreLocation.Bucket bucket = (StoreLocation.Bucket) files.location();
            String server = "ferry_oss_" + files.tag();
            String reader = files.readerName(0);
            String mapping = "CREATE USER MAPPING FOR CURRENT_USER SERVER " + server + " OPTIONS (id " + literal(bucket.accessKey())
                    + ", key ";
            List<Sql> create = List.of(
                    Sql.of("CREATE SERVER " + server + " FOREIGN DATA WRAPPER oss_fdw OPTIONS (endpoint " + literal(endpoint(files, bucket))
                            + ", bucket " + literal(bucket.bucket()) + ")"),
                    new Sql(mapping + literal(bucket.secretKey().reveal()) + ")", mapping + literal(MASK) + ")"),
                    Sql.of("CREATE FOREIGN TABLE " + reader + " " + files.definition() + " SERVER " + server + " OPTIONS (prefix "
                            + literal(bucket.objectKey(MppExternalTables.dataFiles(files))) + ", format 'csv', delimiter "
                            + literal(files.format().delimiter()) + ", encoding " + literal(files.format().encoding()) + ", filetype '"
                            + (files.format().compression() == Compression.GZIP ? "gzip" : "plain") + "')"));
            List<Sql> drop = List.of(Sql.of("DROP FOREIGN TABLE " + reader),
                    Sql.of("DROP USER MAPPING FOR CURRENT_USER SERVER " + server), Sql.of("DROP SERVER " + server));
            return List.of(new ExternalReader(create, reader, drop, files.files()));
        }

    }

    /**
     * AnalyticDB 6: an external table of the {@code oss://} protocol. https://www.alibabacloud.com/help/doc-detail/35457.htm:
     * "CREATE EXTENSION IF NOT EXISTS oss_ext;", "oss://oss_endpoint [prefix=prefix_name|dir=[folder/[folder/]...]/file_name]
     * id=userossid key=userosskey bucket=ossbucket compressiontype=[none|gzip]".
     */
    static final class V6 implements Dialect {

        @Override
        public String name() {
            return "adb6";
        }

        /** AnalyticDB 6 is Greenplum 6 inside: its partitions are Greenplum's, swapped with EXCHANGE PARTITION. */
        @Override
        public PartitionSwap partitionSwap() {
            return PartitionSwap.EXCHANGE_PARTITION;
        }

        @Override
        public Optional<String> cannotRead(ExternalFiles files) {
            return AnalyticDbDialects.cannotRead(name(), files);
        }

        @Override
        public List<Sql> prepare(ExternalFiles files) {
            return List.of(Sql.of("CREATE EXTENSION IF NOT EXISTS oss_ext"));
        }

        @Override
        public List<ExternalReader> readers(ExternalFiles files) {
            StoreLocation.Bucket bucket = (StoreLocation.Bucket) files.location();
            String reader = files.readerName(0);
            String head = "oss://" + endpoint(files, bucket) + " prefix=" + bucket.objectKey(MppExternalTables.dataFiles(files))
                    + " id=" + bucket.accessKey() + " key=";
            String tail = " bucket=" + bucket.bucket() + " compressiontype=" + (files.format().compression() == Compression.GZIP ? "gzip" : "none");
            return List.of(new ExternalReader(List.of(MppExternalTables.create(files, reader, head + bucket.secretKey().reveal() + tail,
                    head + MASK + tail)), reader, MppExternalTables.drop(reader), files.files()));
        }
    }
}
