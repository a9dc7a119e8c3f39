package dev.ferry.warehouse;

import static dev.ferry.warehouse.ExternalFiles.literal;

import dev.ferry.partition.Compression;
import dev.ferry.partition.ManifestFile;
import dev.ferry.store.StoreLocation;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * PostgreSQL reads a folder store through {@code file_fdw}: one foreign table per file (file_fdw reads one file
 * or one program's output), so that each file's rows are counted against the manifest, and so that parallel load
 * streams can share the files. Gzip files go through {@code program 'gzip -dc FILE'}, which only a role allowed to run
 * programs on the server may use. https://www.postgresql.org/docs/15/file-fdw.html
 */
final class PostgresDialect implements Dialect {

    /** The server of Ferry's foreign tables; it has no options, so every load shares it. */
    static final String SERVER = "ferry_files";

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public Optional<String> cannotRead(ExternalFiles files) {
        if (!(files.location() instanceof StoreLocation.Folder)) {
            return Optional.of("method external on PostgreSQL reads files of a folder store with file_fdw; the store is "
                    + files.location() + ". Use method copy, or a folder store the warehouse's server can read");
        }
        return Optional.empty();
    }

    @Override
    public List<Sql> prepare(ExternalFiles files) {
        return List.of(Sql.of("CREATE EXTENSION IF NOT EXISTS file_fdw"),
                Sql.of("CREATE SERVER IF NOT EXISTS " + SERVER + " FOREIGN DATA WRAPPER file_fdw"));
    }

    @Override
    public List<ExternalReader> readers(ExternalFiles files) {
        List<ExternalReader> readers = new ArrayList<>();
        int n = 0;
        for (ManifestFile file : files.files()) {
            String name = files.readerName(n++);
            String path = path(files, file);
            String source = files.format().compression() == Compression.GZIP
                    ? "program " + literal("gzip -dc " + shellQuoted(path))
                    : "filename " + literal(path);
            String create = "CREATE FOREIGN TABLE " + name + " " + files.definition() + " SERVER " + SERVER + " OPTIONS (" + source
                    + ", format 'csv', delimiter " + literal(files.format().delimiter()) + ", header '" + files.format().header()
                    + "', encoding " + literal(files.format().encoding()) + ")";
            readers.add(new ExternalReader(List.of(Sql.of(create)), name, List.of(Sql.of("DROP FOREIGN TABLE " + name)), List.of(file)));
        }
        return readers;
    }

    @Override
    public Optional<String> check(Connection connection, ExternalFiles files) {
        Optional<String> offline = cannotRead(files);
        if (offline.isPresent()) {
            return offline;
        }
        boolean gzip = files.format().compression() == Compression.GZIP;
        String role = gzip ? "pg_execute_server_program" : "pg_read_server_files";
        try (PreparedStatement q = connection.prepareStatement("SELECT current_user, (SELECT count(*) FROM pg_available_extensions"
                + " WHERE name = 'file_fdw'), (SELECT count(*) FROM pg_extension WHERE extname = 'file_fdw'), r.rolsuper"
                + " OR pg_has_role(current_user, ?, 'MEMBER'), r.rolsuper OR pg_has_role(current_user, 'pg_read_server_files', 'MEMBER')"
                + " FROM pg_roles r WHERE r.rolname = current_user")) {
            q.setString(1, role);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                String user = rs.getString(1);
                if (rs.getInt(2) == 0) {
                    return Optional.of("method external: the warehouse's server has no file_fdw extension to install (a PostgreSQL"
                            + " without its contrib package); install it, or use method copy");
                }
                if (!rs.getBoolean(4)) {
                    return Optional.of("method external: user " + user + " may not " + (gzip ? "run programs on the server (gzip -dc),"
                            + " which gzip files need" : "read files on the server") + "; GRANT " + role + " TO " + user
                            + ", or use method copy");
                }
                if (rs.getBoolean(5)) {
                    // A file of the partition when there is one (a run); else the store's folder (try-run, before the extract).
                    String path = files.files().isEmpty() ? root(files).toString() : path(files, files.files().get(0));
                    try (PreparedStatement read = connection.prepareStatement(files.files().isEmpty()
                            ? "SELECT (pg_stat_file(?)).isdir" : "SELECT length(pg_read_binary_file(?, 0, 1))")) {
                        read.setString(1, path);
                        read.executeQuery().close();
                    } catch (SQLException e) {
                        return Optional.of("method external: the warehouse's server cannot read " + path + " (" + e.getMessage().strip()
                                + "); give its operating-system user read access to the store folder, or set "
                                + files.settings().key("store-path") + " to where that server sees the store");
                    }
                }
            }
        } catch (SQLException e) {
            return Optional.of("method external: cannot read what user may do on the warehouse: " + e.getMessage());
        }
        return Optional.empty();
    }

    @Override
    public PartitionSwap partitionSwap() {
        return PartitionSwap.DETACH_ATTACH;
    }

    /** Where the warehouse's server finds the file: under store-path when set, else where Ferry sees the store. */
    static String path(ExternalFiles files, ManifestFile file) {
        return ((StoreLocation.Folder) files.location()).path(root(files), files.prefix() + file.name());
    }

    private static Path root(ExternalFiles files) {
        return files.settings().storePath().map(Path::of).orElse(((StoreLocation.Folder) files.location()).root());
    }

    private static String shellQuoted(String path) {
        return "'" + path.replace("'", "'\\''") + "'";
    }
}
