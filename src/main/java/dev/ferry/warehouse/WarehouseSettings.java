package dev.ferry.warehouse;

import java.util.Optional;
import org.eclipse.microprofile.config.Config;

/**
 * How a warehouse reads the store itself ({@code method external}), from {@code ferry.db.NAME.*}; the same keys
 * in {@code ferry serve} and in the WAR (where NAME's connections come from a datasource).
 *
 * @param dialect   {@code ferry.db.NAME.dialect}: postgresql, greenplum, greenplum6, greenplum7, cloudberry, adb6 or adb7; empty to detect it from
 *                  {@code version()}
 * @param storePath {@code ferry.db.NAME.store-path}: where the warehouse's server sees a folder store's root, when not
 *                  where Ferry sees it (another host's mount)
 * @param s3Config  {@code ferry.db.NAME.s3-config}: the s3 protocol's configuration file on every segment host
 *                  (Greenplum, Cloudberry), which holds the keys
 * @param gpfdist   {@code ferry.db.NAME.gpfdist}: a gpfdist serving a folder store's root, e.g. {@code gpfdist://etl1:8081}
 * @param storeEndpoint {@code ferry.db.NAME.store-endpoint}: the bucket's endpoint as the warehouse reaches it, when not
 *                  the one Ferry uses (AnalyticDB reads OSS through its internal, VPC endpoint)
 */
public record WarehouseSettings(String database, Optional<String> dialect, Optional<String> storePath, Optional<String> s3Config,
                                Optional<String> gpfdist, Optional<String> storeEndpoint) {

    public static WarehouseSettings from(Config config, String database) {
        String prefix = "ferry.db." + database + ".";
        return new WarehouseSettings(database, value(config, prefix + "dialect"), value(config, prefix + "store-path"),
                value(config, prefix + "s3-config"), value(config, prefix + "gpfdist"), value(config, prefix + "store-endpoint"));
    }

    /** Defaults only: the dialect detected, the store where Ferry sees it. */
    public static WarehouseSettings none(String database) {
        return new WarehouseSettings(database, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static Optional<String> value(Config config, String key) {
        return config.getOptionalValue(key, String.class).map(String::strip).filter(v -> !v.isEmpty());
    }

    String key(String name) {
        return "ferry.db." + database + "." + name;
    }
}
