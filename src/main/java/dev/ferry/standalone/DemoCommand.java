package dev.ferry.standalone;

import dev.ferry.db.DatabaseBootstrap;
import dev.ferry.db.DatabaseSettings;
import dev.ferry.store.StoredObject;
import dev.ferry.run.RunControl;
import dev.ferry.variables.BusinessDate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * Sets up the reference system in miniature on the configured PostgreSQL (a source {@code t_src} with
 * several days of rows and an empty warehouse {@code t_target} without a primary key), runs
 * {@code rds-to-adb} for one date and shows what landed where.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Creates or resets the demo source and warehouse, runs rds-to-adb for one date and shows the result.")
final class DemoCommand implements Callable<Integer> {

    static final String FLOW = "rds-to-adb";

    @ParentCommand
    FerryCommand ferry;

    @Option(names = {"-d", "--date"}, paramLabel = "yyyyMMdd", description = "The business date to run. Default: yesterday in ferry.timezone.")
    String date;

    @Option(names = "--days", defaultValue = "7", description = "Days of sample rows, ending the day after the business date (default ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--rows-per-day", defaultValue = "1000", description = "Sample rows per day (default ${DEFAULT-VALUE}).")
    int rowsPerDay;

    @Override
    public Integer call() throws Exception {
        try (StandaloneRuntime runtime = ferry.runtime()) {
            BusinessDate mydate = date != null ? BusinessDate.parse(date)
                    : BusinessDate.forRunAt(ZonedDateTime.now(runtime.timezone()), runtime.timezone());
            prepare(runtime, mydate);
            // The demo resets its data, so running the date again is deliberate.
            long id = ((RunControl.Started) runtime.control().startOnce(new RunControl.StartRequest(FLOW, mydate, Map.of(),
                    runtime.owner("demo"), true, true))).executionId();
            int code = new RunReporter(runtime, System.out).follow(id);
            show(runtime, mydate);
            return code;
        }
    }

    private void prepare(StandaloneRuntime runtime, BusinessDate mydate) throws SQLException {
        for (String name : new String[] {"source", "warehouse"}) {
            DatabaseSettings.from(runtime.config(), name).ifPresent(DatabaseBootstrap::createIfAbsent);
        }
        // Days before the business date and one after it, so the result shows that only that date moves.
        String first = new BusinessDate(mydate.date().minusDays(Math.max(days - 2, 0))).format("yyyy-MM-dd");
        try (Connection source = runtime.databases().connect("source"); Statement sql = source.createStatement()) {
            sql.execute("DROP TABLE IF EXISTS t_src");
            sql.execute("CREATE TABLE t_src (a int, b int, c date)");
            try (PreparedStatement fill = source.prepareStatement(
                    "INSERT INTO t_src SELECT d * ? + i, (i::bigint * 7919 % 1000)::int, DATE '" + first + "' + d"
                            + " FROM generate_series(0, ? - 1) d, generate_series(1, ?) i")) {
                fill.setInt(1, rowsPerDay);
                fill.setInt(2, Math.max(days, 1));
                fill.setInt(3, rowsPerDay);
                fill.executeUpdate();
            }
        }
        try (Connection warehouse = runtime.databases().connect("warehouse"); Statement sql = warehouse.createStatement()) {
            sql.execute("DROP TABLE IF EXISTS t_target");
            sql.execute("CREATE TABLE t_target (a int, b int, c date)"); // no primary key, as on AnalyticDB Serverless
        }
        System.out.printf("demo: t_src has %d rows a day for %d days from %s; t_target is empty%n", rowsPerDay, days, first);
    }

    private static void show(StandaloneRuntime runtime, BusinessDate mydate) throws Exception {
        String prefix = "rds/t3/" + mydate + "/";
        System.out.println("files in " + runtime.store().describe(prefix) + ":");
        for (StoredObject object : runtime.store().list(prefix)) {
            System.out.printf("  %-40s %,12d bytes%n", object.key(), object.size());
        }
        System.out.println("rows in t_target by date:");
        try (Connection warehouse = runtime.databases().connect("warehouse"); Statement sql = warehouse.createStatement();
             ResultSet rows = sql.executeQuery("SELECT c, count(*) FROM t_target GROUP BY c ORDER BY c")) {
            while (rows.next()) {
                System.out.printf("  %s  %,d%n", rows.getDate(1), rows.getLong(2));
            }
        }
    }
}
