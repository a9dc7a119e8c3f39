package dev.ferry.warehouse;

import java.sql.Connection;
import java.sql.SQLException;
import org.eclipse.microprofile.config.Config;

/** The warehouses' {@code ferry.db.NAME.*} settings for reading the store and their dialects, in either runtime. */
public final class Warehouses {

    private final Config config;

    public Warehouses(Config config) {
        this.config = config;
    }

    public WarehouseSettings settings(String database) {
        return WarehouseSettings.from(config, database);
    }

    /** {@code ferry.db.NAME.dialect}, else what the warehouse's {@code version()} says. */
    public Dialect dialect(Connection connection, String database) throws SQLException {
        return Dialects.of(connection, settings(database));
    }
}
