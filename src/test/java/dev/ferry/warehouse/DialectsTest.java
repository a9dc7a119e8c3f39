package dev.ferry.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.config.Secret;
import dev.ferry.partition.Compression;
import dev.ferry.partition.CsvFormat;
import dev.ferry.partition.ManifestFile;
import dev.ferry.store.StoreLocation;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The statements each warehouse's reader is made with. PostgreSQL's run for real (ExternalLoadTest); Greenplum,
 * Cloudberry and AnalyticDB do not run on this machine, so their statements are checked here as text against the
 * vendors' documentation, quoted with its address.
 */
class DialectsTest {

    static final StoreLocation.Bucket OSS = new StoreLocation.Bucket("https://oss-cn-hangzhou.aliyuncs.com", "cn-hangzhou", "ferry", "nightly/",
            "LTAI5tEXAMPLE", Secret.of("s3cr3tKEYvalue"));
    static final CsvFormat GZIP = new CsvFormat("|", "UTF8", false, Compression.GZIP);
    static final List<ManifestFile> FILES = List.of(new ManifestFile("part-00000.csv.gz", 100, 10, "a"),
            new ManifestFile("part-00001.csv.gz", 100, 12, "b"));
    static final List<ExternalFiles.Column> COLUMNS = List.of(new ExternalFiles.Column("a", "integer"), new ExternalFiles.Column("c", "date"));

    static ExternalFiles files(StoreLocation location, CsvFormat format, WarehouseSettings settings) {
        return new ExternalFiles("public", "4f2a9c1e", COLUMNS, format, "rds/t3/20240101/", FILES, location, settings);
    }

    static WarehouseSettings settings(Optional<String> s3Config, Optional<String> gpfdist, Optional<String> endpoint) {
        return new WarehouseSettings("warehouse", Optional.empty(), Optional.empty(), s3Config, gpfdist, endpoint);
    }

    /**
     * https://www.alibabacloud.com/help/doc-detail/164815.htm: "CREATE SERVER oss_serv FOREIGN DATA WRAPPER oss_fdw OPTIONS
     * (endpoint '...', bucket '...')"; "CREATE USER MAPPING FOR PUBLIC SERVER oss_serv OPTIONS (id '...', key '...')";
     * a foreign table sets one of filepath, prefix or dir, with format 'csv', delimiter, encoding and filetype 'gzip'.
     */
    @Test
    void analyticDb7ReadsTheDataFilesThroughAnOssForeignTableOfItsOwnServerAndUserMapping() {
        ExternalFiles files = files(OSS, GZIP, settings(Optional.empty(), Optional.empty(), Optional.of("oss-cn-hangzhou-internal.aliyuncs.com")));
        Dialect adb7 = Dialects.named("adb7", "ferry.db.warehouse.dialect");

        ExternalReader reader = adb7.readers(files).get(0);

        assertThat(adb7.cannotRead(files)).isEmpty();
        assertThat(adb7.prepare(files)).extracting(Sql::text).containsExactly("CREATE EXTENSION IF NOT EXISTS oss_fdw");
        assertThat(reader.create()).extracting(Sql::text).containsExactly(
                "CREATE SERVER ferry_oss_4f2a9c1e FOREIGN DATA WRAPPER oss_fdw OPTIONS (endpoint 'oss-cn-hangzhou-internal.aliyuncs.com',"
                        + " bucket 'ferry')",
                "CREATE USER MAPPING FOR CURRENT_USER SERVER ferry_oss_4f2a9c1e OPTIONS (id 'LTAI5tEXAMPLE', key 's3cr3tKEYvalue')",
                "CREATE FOREIGN TABLE public.ferry_ext_4f2a9c1e_0 (a integer, c date) SERVER ferry_oss_4f2a9c1e OPTIONS (prefix"
                        + " 'nightly/rds/t3/20240101/part-', format 'csv', delimiter '|', encoding 'UTF8', filetype 'gzip')");
        assertThat(reader.create()).extracting(Sql::shown).noneMatch(sql -> sql.contains("s3cr3tKEYvalue"))
                .anyMatch(sql -> sql.contains("key '****'"));
        assertThat(reader.drop()).extracting(Sql::text).containsExactly("DROP FOREIGN TABLE public.ferry_ext_4f2a9c1e_0",
                "DROP USER MAPPING FOR CURRENT_USER SERVER ferry_oss_4f2a9c1e", "DROP SERVER ferry_oss_4f2a9c1e");
        assertThat(reader.rows()).as("both files, checked against the manifest").isEqualTo(22);
        assertThat(String.join(";", reader.create().stream().map(Sql::text).toList()))
                .as("no reject limit or error log that drops rows silently").doesNotContainIgnoringCase("reject").doesNotContainIgnoringCase("log_errors");
    }

    /**
     * https://www.alibabacloud.com/help/doc-detail/35457.htm: "CREATE EXTENSION IF NOT EXISTS oss_ext;" and the location
     * "oss://oss_endpoint [prefix=prefix_name|dir=[folder/[folder/]...]/file_name] id=userossid key=userosskey
     * bucket=ossbucket compressiontype=[none|gzip]".
     */
    @Test
    void analyticDb6ReadsThroughAGpossextExternalTableWhoseKeyIsNeverShown() {
        ExternalFiles files = files(OSS, GZIP, settings(Optional.empty(), Optional.empty(), Optional.empty()));
        Dialect adb6 = Dialects.named("adb6", "ferry.db.warehouse.dialect");

        ExternalReader reader = adb6.readers(files).get(0);

        assertThat(adb6.prepare(files)).extracting(Sql::text).containsExactly("CREATE EXTENSION IF NOT EXISTS oss_ext");
        assertThat(reader.create()).extracting(Sql::text).containsExactly("CREATE READABLE EXTERNAL TABLE public.ferry_ext_4f2a9c1e_0"
                + " (a integer, c date) LOCATION ('oss://oss-cn-hangzhou.aliyuncs.com prefix=nightly/rds/t3/20240101/part- id=LTAI5tEXAMPLE"
                + " key=s3cr3tKEYvalue bucket=ferry compressiontype=gzip') FORMAT 'CSV' (DELIMITER '|') ENCODING 'UTF8'");
        assertThat(reader.create().get(0).shown()).contains("key=**** bucket=ferry").doesNotContain("s3cr3tKEYvalue");
        assertThat(reader.drop()).extracting(Sql::text).containsExactly("DROP EXTERNAL TABLE public.ferry_ext_4f2a9c1e_0");
    }

    /**
     * https://cloudberry.apache.org/docs/sql-stmts/create-external-table: "s3://&lt;S3_endpoint&gt;[:&lt;port&gt;]/&lt;bucket_name&gt;/[&lt;S3_prefix&gt;]
     * [region=&lt;S3-region&gt;] [config=&lt;config_file&gt; | config_server=&lt;url&gt;]" and
     * "gpfdist://&lt;filehost&gt;[:&lt;port&gt;]/&lt;file_pattern&gt;"; the same synopsis in WarehousePG (Greenplum) 6.27.
     */
    @Test
    void greenplumReadsABucketWithTheS3ProtocolAndAFolderThroughGpfdistWithNoKeyInSql() {
        ExternalFiles bucket = files(OSS, GZIP, settings(Optional.of("/home/gpadmin/s3.conf"), Optional.empty(), Optional.empty()));
        ExternalFiles folder = files(new StoreLocation.Folder(Path.of("/data/ferry")), CsvFormat.DEFAULT,
                settings(Optional.empty(), Optional.of("gpfdist://etl1:8081/"), Optional.empty()));
        Dialect greenplum = Dialects.named("greenplum", "ferry.db.warehouse.dialect");

        assertThat(greenplum.readers(bucket).get(0).create()).extracting(Sql::text).containsExactly("CREATE READABLE EXTERNAL TABLE"
                + " public.ferry_ext_4f2a9c1e_0 (a integer, c date) LOCATION ('s3://oss-cn-hangzhou.aliyuncs.com/ferry/nightly/rds/t3/20240101/part-"
                + " region=cn-hangzhou config=/home/gpadmin/s3.conf') FORMAT 'CSV' (DELIMITER '|') ENCODING 'UTF8'");
        assertThat(greenplum.readers(folder).get(0).create().get(0).text())
                .contains("LOCATION ('gpfdist://etl1:8081/rds/t3/20240101/part-*')");
        assertThat(greenplum.readers(bucket).get(0).create().get(0).text()).doesNotContain("s3cr3tKEYvalue");
        assertThat(greenplum.partitionSwap()).as("6 or 7 is not said").isEqualTo(PartitionSwap.NONE);
        assertThat(greenplum.cannotExchange("warehouse")).get().asString().contains("set ferry.db.warehouse.dialect");
        assertThat(Dialects.named("greenplum6", "k").partitionSwap()).isEqualTo(PartitionSwap.EXCHANGE_PARTITION);
        assertThat(Dialects.named("adb6", "k").partitionSwap()).isEqualTo(PartitionSwap.EXCHANGE_PARTITION);
        assertThat(Dialects.named("postgresql", "k").partitionSwap()).isEqualTo(PartitionSwap.DETACH_ATTACH);
        assertThat(Stream.of("greenplum7", "cloudberry", "adb7").map(name -> Dialects.named(name, "k").partitionSwap()))
                .containsOnly(PartitionSwap.DETACH_ATTACH_DISTRIBUTED);

    }

    @Test
    void whatAWarehouseCannotReadIsRefusedWithTheSettingToSet() {
        WarehouseSettings none = settings(Optional.empty(), Optional.empty(), Optional.empty());
        assertThat(Dialects.named("greenplum", "k").cannotRead(files(OSS, GZIP, none))).get().asString()
                .contains("set ferry.db.warehouse.s3-config");
        assertThat(Dialects.named("cloudberry", "k").cannotRead(files(new StoreLocation.Folder(Path.of("/data")), GZIP, none))).get().asString()
                .contains("set ferry.db.warehouse.gpfdist");
        assertThat(Dialects.named("postgresql", "k").cannotRead(files(OSS, GZIP, none))).get().asString()
                .contains("reads files of a folder store with file_fdw");
        assertThat(Dialects.named("adb7", "k").cannotRead(files(new StoreLocation.Bucket("", "", "b", "", "", Secret.none()), GZIP, none)))
                .get().asString().contains("set ferry.store.s3.access-key and ferry.store.s3.secret-key");
        assertThat(Dialects.named("adb6", "k").cannotRead(files(OSS, new CsvFormat("|", "UTF8", true, Compression.NONE), none)))
                .get().asString().contains("header line");
        assertThatThrownBy(() -> Dialects.named("oracle", "ferry.db.warehouse.dialect"))
                .hasMessage("ferry.db.warehouse.dialect is 'oracle', which is none of postgresql, greenplum, greenplum6, greenplum7, cloudberry, adb6, adb7");
    }

    @Test
    void theDialectIsToldFromTheWarehousesVersion() {
        assertThat(Dialects.fromVersion("PostgreSQL 15.8 (Debian 15.8-0+deb12u1) on x86_64-pc-linux-gnu").name()).isEqualTo("postgresql");
        assertThat(Dialects.fromVersion("PostgreSQL 9.4.26 (Greenplum Database 6.25.3 build commit:367edc6b)").name()).isEqualTo("greenplum6");
        assertThat(Dialects.fromVersion("PostgreSQL 12.12 (Greenplum Database 7.1.0 build commit:e7c2b1f)").name()).isEqualTo("greenplum7");
        assertThat(Dialects.fromVersion("PostgreSQL 14.4 (Apache Cloudberry 2.0.0-incubating build 1)").name()).isEqualTo("cloudberry");
        assertThat(Dialects.fromVersion("PostgreSQL 9.4.26 (Greenplum Database 6.3.10.1 build dev) (AnalyticDB for PostgreSQL)").name())
                .isEqualTo("adb6");
        assertThat(Dialects.fromVersion("PostgreSQL 12.12 (Greenplum Database 7.0.0 build dev) (AnalyticDB for PostgreSQL 7.0)").name())
                .isEqualTo("adb7");
    }

    @Test
    void postgresqlReadsEachFileThroughAForeignTableOfItsOwnAndGzipThroughAProgram() {
        ExternalFiles files = files(new StoreLocation.Folder(Path.of("/data/ferry")), GZIP,
                new WarehouseSettings("warehouse", Optional.empty(), Optional.of("/mnt/store"), Optional.empty(), Optional.empty(), Optional.empty()));

        List<ExternalReader> readers = Dialects.named("postgresql", "k").readers(files);

        assertThat(readers).hasSize(2);
        assertThat(readers.get(1).create().get(0).text()).isEqualTo("CREATE FOREIGN TABLE public.ferry_ext_4f2a9c1e_1 (a integer, c date)"
                + " SERVER ferry_files OPTIONS (program 'gzip -dc ''/mnt/store/rds/t3/20240101/part-00001.csv.gz''', format 'csv',"
                + " delimiter '|', header 'false', encoding 'UTF8')");
        assertThat(readers.get(1).rows()).isEqualTo(12);
    }
}
