package dev.ferry.partition;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import javax.sql.DataSource;

/** The manifest ledger in the job repository's database: table {@value #TABLE}, one row per manifest location. */
public final class RepositoryLedger implements ManifestLedger {

    public static final String TABLE = "ferry_manifest";

    private final DataSource dataSource;

    public RepositoryLedger(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void createTableIfAbsent() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (location varchar(2000) PRIMARY KEY, sha256 char(64) NOT NULL,"
                    + " flow varchar(255), step varchar(255), mydate varchar(8), published_at timestamptz NOT NULL DEFAULT now())");
        }
    }

    @Override
    public void record(String location, String sha256, Manifest manifest) throws IOException {
        try (Connection c = dataSource.getConnection(); PreparedStatement upsert = c.prepareStatement(
                "INSERT INTO " + TABLE + " (location, sha256, flow, step, mydate) VALUES (?, ?, ?, ?, ?) ON CONFLICT (location)"
                        + " DO UPDATE SET sha256 = EXCLUDED.sha256, flow = EXCLUDED.flow, step = EXCLUDED.step,"
                        + " mydate = EXCLUDED.mydate, published_at = now()")) {
            upsert.setString(1, location);
            upsert.setString(2, sha256);
            upsert.setString(3, manifest.flow());
            upsert.setString(4, manifest.step());
            upsert.setString(5, manifest.mydate());
            upsert.executeUpdate();
        } catch (SQLException e) {
            throw new IOException("cannot record the manifest of " + location + " in " + TABLE + " of the job repository: "
                    + e.getMessage() + "; the partition was not published", e);
        }
    }

    @Override
    public Optional<String> recorded(String location) throws IOException {
        try (Connection c = dataSource.getConnection(); PreparedStatement query = c.prepareStatement(
                "SELECT sha256 FROM " + TABLE + " WHERE location = ?")) {
            query.setString(1, location);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IOException("cannot read the manifest ledger " + TABLE + " of the job repository: " + e.getMessage(), e);
        }
    }
}
