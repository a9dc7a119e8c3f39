package dev.ferry.flow;

import dev.ferry.db.Databases;
import dev.ferry.extract.ExtractSpec;
import dev.ferry.extract.Extractor;
import dev.ferry.load.ExternalLoad;
import dev.ferry.load.LoadMethod;
import dev.ferry.load.LoadMode;
import dev.ferry.load.LoadSpec;
import dev.ferry.load.Loader;
import dev.ferry.load.PartitionExchange;
import dev.ferry.partition.CsvFormat;
import dev.ferry.partition.ManifestLedger;
import dev.ferry.partition.MemoryLedger;
import dev.ferry.partition.Partition;
import dev.ferry.sql.ScriptFile;
import dev.ferry.sql.SqlScript;
import dev.ferry.sql.SqlSpec;
import dev.ferry.sql.SqlStatement;
import dev.ferry.step.InvalidPropertyException;
import dev.ferry.step.Progress;
import dev.ferry.step.PropertyValues;
import dev.ferry.step.StepScope;
import dev.ferry.store.ObjectStore;
import dev.ferry.store.ObjectUpload;
import dev.ferry.store.StoredObject;
import dev.ferry.variables.Variables;
import dev.ferry.warehouse.Dialect;
import dev.ferry.warehouse.Warehouses;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Rehearses a flow for a date without changing anything: resolves every variable and shows each step's
 * final SQL, connects to every database and to the store, EXPLAINs every query (a script's DDL runs in a
 * transaction that is rolled back), checks that each load's target columns match its extract's query,
 * and, with a sample size, extracts that many rows into a sandbox prefix and loads them into a temporary
 * table. It reports every problem, not only the first.
 */
public final class TryRun {

    private static final Pattern EXPLAINABLE = Pattern.compile("(?is)^\\s*(SELECT|WITH|INSERT|UPDATE|DELETE|MERGE|VALUES)\\b.*");
    private static final Pattern DDL = Pattern.compile("(?is)^\\s*(CREATE|ALTER|DROP|COMMENT|GRANT|REVOKE)\\b.*");
    private static final List<Set<String>> FAMILIES = List.of(
            Set.of("int2", "int4", "int8", "numeric", "float4", "float8", "money", "serial", "bigserial"),
            Set.of("text", "varchar", "bpchar", "name", "char"),
            Set.of("timestamp", "timestamptz"),
            Set.of("json", "jsonb"));

    private final Databases databases;
    private final ObjectStore store;
    private final ClassLoader loader;
    private final Warehouses warehouses;

    public TryRun(Databases databases, ObjectStore store, ClassLoader loader, Warehouses warehouses) {
        this.databases = databases;
        this.store = store;
        this.loader = loader;
        this.warehouses = warehouses;
    }

    /** @return the problems found; what it did and saw goes to {@code out} */
    public List<String> run(List<FlowStep> steps, Variables variables, int sample, Consumer<String> out) {
        List<String> problems = new ArrayList<>();
        Map<String, String> unreachable = new HashMap<>();
        Map<String, List<Column>> extractColumns = new LinkedHashMap<>();
        Map<String, FlowStep> extractByPrefix = new HashMap<>();
        // The extract writes there: a probe is written and deleted, so an unwritable store is found now, not mid-run.
        String probe = "_try-run/probe";
        try {
            try (ObjectUpload upload = store.create(probe)) {
                upload.write(new byte[] {'F'});
                upload.commit();
            }
            store.delete(probe);
            out.accept("store " + store.describe("") + ": reachable and writable");
        } catch (Exception e) {
            problems.add("store " + store.describe("") + " cannot be written: " + e.getMessage());
        }
        for (FlowStep step : steps) {
            Object spec;
            try {
                spec = spec(step, variables);
            } catch (InvalidPropertyException e) {
                problems.add("step " + step.id() + ", property " + e.property() + ": " + e.problem());
                continue;
            } catch (IllegalArgumentException e) {
                problems.add("step " + step.id() + ": " + e.getMessage());
                continue;
            }
            if (spec instanceof ExtractSpec extract) {
                extractByPrefix.put(extract.target(), step);
            }
            String database = spec instanceof ExtractSpec e ? e.database() : spec instanceof LoadSpec l ? l.database() : ((SqlSpec) spec).database();
            out.accept("step " + step.id() + ": " + step.ref() + " on database " + database);
            try (Connection c = connect(database, unreachable, problems)) {
                if (spec instanceof ExtractSpec extract) {
                    out.accept("  COPY (" + extract.query() + ") TO STDOUT WITH " + extract.format().copyOptions());
                    out.accept("  -> " + store.describe(extract.target()));
                    if (c != null) {
                        explain(c, extract.query(), step, out, problems);
                        extractColumns.put(extract.target(), columns(c, "SELECT * FROM (" + extract.query() + ") q LIMIT 0"));
                    }
                } else if (spec instanceof LoadSpec load) {
                    String source = prefix(load.source());
                    String columnList = String.join(", ", load.columns());
                    if (load.mode() == LoadMode.REPLACE) {
                        out.accept("  DELETE FROM " + load.table() + " WHERE " + load.replaceWhere());
                    } else if (load.mode() == LoadMode.TRUNCATE) {
                        out.accept("  TRUNCATE " + load.table());
                    } else if (load.mode() == LoadMode.EXCHANGE) {
                        out.accept("  the partition of " + load.table() + " that holds " + load.exchange().partitionValue() + " is swapped for a"
                                + " staging table loaded with the partition's rows (lock_timeout " + load.exchange().lockTimeout().toSeconds() + " s)");
                        if (c != null) {
                            PartitionExchange.newPartition(c, load.table(), load.exchange()).ifPresent(made -> out.accept("  " + made));
                            exchangeProblem(c, load).ifPresent(problem -> problems.add("step " + step.id() + ": " + problem));
                        }
                    }
                    if (load.method() == LoadMethod.EXTERNAL) {
                        if (c != null) {
                            ExternalLoad.Plan plan = externalPlan(c, load, extractByPrefix.get(source), variables);
                            out.accept("  method external on " + plan.dialect() + ": the warehouse reads " + store.describe(source)
                                    + " itself; for each reader (a file on PostgreSQL, the whole partition on an MPP warehouse):");
                            plan.statements().forEach(sql -> out.accept("    " + sql));
                            plan.problem().ifPresent(problem -> problems.add("step " + step.id() + ": " + problem));
                        }
                    } else {
                        String into = load.mode() == LoadMode.EXCHANGE ? "the staging table" : load.table();
                        out.accept("  COPY " + into + (columnList.isBlank() ? "" : " (" + columnList + ")") + " FROM STDIN <- "
                                + store.describe(source));
                    }
                    if (load.mode() == LoadMode.REPLACE) {
                        out.accept("  before commit: SELECT count(*) FROM " + load.table() + " WHERE " + load.replaceWhere()
                                + " must equal the partition's rows, or the load rolls back");
                        if (load.replaceWhere().overlapSql(load.table()) != null) {
                            out.accept("  before the delete and before commit: no row may match replaceWhere for "
                                    + load.replaceWhere().describeNeighbours() + " too, or the load rolls back");
                        }
                    }
                    if (c != null) {
                        if (load.mode() == LoadMode.REPLACE) {
                            explain(c, "DELETE FROM " + load.table() + " WHERE " + load.replaceWhere(), step, out, problems);
                            overlapCheck(step, load, load.table(), "in " + load.table() + " now", c, out, problems);
                        }
                        boolean matches = compare(c, step, load.table(), columnList, extractColumns.get(source), extractByPrefix.get(source),
                                problems);
                        FlowStep extract = extractByPrefix.get(source);
                        if (sample > 0 && matches && extract != null) {
                            sample(step, load, (ExtractSpec) spec(extract, variables), c, sample, out, problems);
                        }
                    }
                } else if (spec instanceof SqlSpec sql) {
                    String script = sql.script() != null ? variables.resolve(sql.script()) : script(sql.scriptFile(), variables);
                    rehearse(c, SqlScript.split(script), step, out, problems);
                }
            } catch (Exception e) {
                problems.add("step " + step.id() + ": " + e.getMessage());
            }
        }
        return problems;
    }

    /**
     * What {@code ferry run} checks before it starts anything, quickly: every database the steps use answers,
     * and every load's target takes the columns its extract's query gives (a 3-column query into a 14-column
     * table would otherwise fail in the load's COPY, after the extract ran, with an unrelated message).
     * Steps that {@code ferry.steps} leaves out are not checked; properties are {@code validate}'s.
     *
     * @return the problems found, none when the run may start
     */
    public List<String> beforeRun(List<FlowStep> steps, Variables variables) {
        List<String> problems = new ArrayList<>();
        Map<String, String> unreachable = new HashMap<>();
        Map<String, List<Column>> extractColumns = new HashMap<>();
        Map<String, FlowStep> extractByPrefix = new HashMap<>();
        for (FlowStep step : steps) {
            Object spec;
            try {
                spec = spec(step, variables);
            } catch (RuntimeException e) {
                continue; // validate, which every start runs, reports it with the line
            }
            boolean selected = new StepScope("run", step.id(), variables).selected();
            String database = spec instanceof ExtractSpec e ? e.database() : spec instanceof LoadSpec l ? l.database() : ((SqlSpec) spec).database();
            if (!selected) {
                continue; // a reload from the store (ferry.steps=load) does not need the source
            }
            try (Connection c = connect(database, unreachable, problems)) {
                if (c == null) {
                    continue;
                }
                if (spec instanceof ExtractSpec extract) {
                    extractByPrefix.put(extract.target(), step);
                    extractColumns.put(extract.target(), columns(c, "SELECT * FROM (" + extract.query() + ") q LIMIT 0"));
                } else if (spec instanceof LoadSpec load && load.mode() == LoadMode.EXCHANGE) {
                    exchangeProblem(c, load).ifPresent(problem -> problems.add("step " + step.id() + ": " + problem));
                    if (load.method() == LoadMethod.EXTERNAL) {
                        externalPlan(c, load, extractByPrefix.get(load.source()), variables).problem()
                                .ifPresent(problem -> problems.add("step " + step.id() + ": " + problem));
                    }
                } else if (spec instanceof LoadSpec load && load.method() == LoadMethod.EXTERNAL && exists(c, load.table())) {
                    externalPlan(c, load, extractByPrefix.get(load.source()), variables).problem()
                            .ifPresent(problem -> problems.add("step " + step.id() + ": " + problem));
                } else if (spec instanceof LoadSpec load && exists(c, load.table())) {
                    // A missing table is the load's to report: an earlier step of the flow may create it.
                    compare(c, step, load.table(), String.join(", ", load.columns()), extractColumns.get(load.source()),
                            extractByPrefix.get(load.source()), problems);
                }
            } catch (SQLException e) {
                problems.add("step " + step.id() + ": " + e.getMessage());
            }
        }
        return problems;
    }

    /** Why an exchange cannot run on this warehouse (its dialect, its partitions), or empty. */
    private java.util.Optional<String> exchangeProblem(Connection c, LoadSpec load) {
        try {
            Dialect dialect = warehouses.dialect(c, load.database());
            return dialect.cannotExchange(load.database())
                    .or(() -> PartitionExchange.problem(c, load.table(), load.exchange().swappedBy(dialect.partitionSwap())));
        } catch (SQLException | IllegalArgumentException e) {
            return java.util.Optional.of("mode exchange: " + e.getMessage());
        }
    }

    /** The statements an external load runs and what the warehouse says it cannot do, in the extract's file format. */
    private ExternalLoad.Plan externalPlan(Connection c, LoadSpec load, FlowStep extract, Variables variables) {
        CsvFormat format = extract != null ? ((ExtractSpec) spec(extract, variables)).format() : CsvFormat.DEFAULT;
        try {
            Loader.External external = new Loader.External(warehouses.dialect(c, load.database()), warehouses.settings(load.database()));
            return ExternalLoad.plan(c, load.table(), load.columns(), new Partition(store, load.source()), format, external);
        } catch (SQLException | IllegalArgumentException e) {
            return new ExternalLoad.Plan("?", List.of(), java.util.Optional.of("method external: " + e.getMessage()));
        }
    }

    private static boolean exists(Connection c, String table) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            q.setString(1, table);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** The step's spec, read from its properties as its batchlet reads them. */
    private static Object spec(FlowStep step, Variables variables) {
        StepType type = StepType.of(step.ref()).orElseThrow(() -> new IllegalArgumentException("unknown batchlet '" + step.ref() + "'"));
        Map<String, String> given = new HashMap<>();
        step.properties().forEach((name, property) -> given.put(name, property.value()));
        return type.read(new PropertyValues(given, type.properties(), new StepScope("try-run", step.id(), variables)));
    }

    private Connection connect(String database, Map<String, String> unreachable, List<String> problems) {
        if (unreachable.containsKey(database)) {
            return null;
        }
        try {
            return databases.connect(database);
        } catch (RuntimeException e) {
            unreachable.put(database, e.getMessage());
            problems.add("database '" + database + "': " + e.getMessage());
            return null;
        }
    }

    private static void explain(Connection c, String sql, FlowStep step, Consumer<String> out, List<String> problems) {
        try (Statement s = c.createStatement(); ResultSet plan = s.executeQuery("EXPLAIN " + sql)) {
            if (plan.next()) {
                out.accept("  EXPLAIN: " + plan.getString(1).strip());
            }
        } catch (SQLException e) {
            problems.add("step " + step.id() + ": EXPLAIN failed: " + e.getMessage());
        }
    }

    /** A script's statements in a transaction that is rolled back: DDL runs, queries are EXPLAINed. */
    private static void rehearse(Connection c, List<SqlStatement> statements, FlowStep step, Consumer<String> out,
                                 List<String> problems) throws SQLException {
        for (SqlStatement statement : statements) {
            out.accept("  statement " + statement.number() + " (line " + statement.line() + "): " + statement.sql());
        }
        if (c == null) {
            return;
        }
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            for (SqlStatement statement : statements) {
                s.execute("SAVEPOINT try_run");
                try {
                    if (DDL.matcher(statement.sql()).matches()) {
                        s.execute(statement.sql());
                    } else if (EXPLAINABLE.matcher(statement.sql()).matches()) {
                        s.execute("EXPLAIN " + statement.sql());
                    }
                } catch (SQLException e) {
                    s.execute("ROLLBACK TO SAVEPOINT try_run");
                    problems.add("step " + step.id() + ", statement " + statement.number() + " (line " + statement.line() + "): "
                            + e.getMessage());
                }
            }
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
    }

    private record Column(String name, String type) {
        @Override
        public String toString() {
            return name + " " + type;
        }
    }

    private static List<Column> columns(Connection c, String query) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            ResultSetMetaData meta = rs.getMetaData();
            List<Column> columns = new ArrayList<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                columns.add(new Column(meta.getColumnName(i), meta.getColumnTypeName(i).toLowerCase(Locale.ROOT)));
            }
            return columns;
        }
    }

    /** @return whether the target takes the extract's columns (or there is nothing to compare) */
    private static boolean compare(Connection c, FlowStep step, String table, String columnList, List<Column> extracted,
                                   FlowStep extract, List<String> problems) {
        List<Column> target;
        try {
            target = columns(c, "SELECT " + (columnList.isBlank() ? "*" : columnList) + " FROM " + table + " LIMIT 0");
        } catch (SQLException e) {
            problems.add("step " + step.id() + ": target " + table + ": " + e.getMessage());
            return false;
        }
        if (extracted == null) {
            return true; // no extract of this flow writes the partition: nothing to compare with
        }
        if (target.size() != extracted.size()) {
            problems.add("step " + step.id() + ": " + table + " takes " + target.size() + " column(s) " + target + " but the query of step "
                    + extract.id() + " gives " + extracted.size() + " " + extracted);
            return false;
        }
        boolean matches = true;
        for (int i = 0; i < target.size(); i++) {
            if (!compatible(extracted.get(i).type(), target.get(i).type())) {
                problems.add("step " + step.id() + ": column " + (i + 1) + " of " + table + " is " + target.get(i) + " but the query of step "
                        + extract.id() + " gives " + extracted.get(i));
                matches = false;
            }
        }
        return matches;
    }

    private static boolean compatible(String from, String to) {
        return from.equals(to) || FAMILIES.stream().anyMatch(f -> f.contains(from) && f.contains(to)) || to.equals("text");
    }

    /** Extracts a few rows into a sandbox prefix and loads them into a temporary copy of the target. */
    private void sample(FlowStep step, LoadSpec load, ExtractSpec extract, Connection target, int rows, Consumer<String> out,
                        List<String> problems) {
        Partition sandbox = new Partition(store, "_try-run/" + UUID.randomUUID() + "/");
        ManifestLedger ledger = new MemoryLedger();
        try {
            try (Connection source = databases.connect(extract.database())) {
                new Extractor(ledger).extract(source, new Extractor.Request("try-run", step.id(), null, extract.database(),
                        "SELECT * FROM (" + extract.query() + ") q LIMIT " + rows, sandbox, extract.format(), 0, 0, 1, null, null),
                        new Progress("try-run", Duration.ofHours(1)));
            }
            try (Statement s = target.createStatement()) {
                s.execute("CREATE TEMP TABLE ferry_try_run (LIKE " + load.table() + ")");
            }
            Loader.Result result = new Loader(ledger).load(target, new Loader.Request("ferry_try_run", load.columns(), LoadMode.APPEND,
                    null, sandbox, "try-run", null, load.copyFormat(), null, null, null),
                    new Progress("try-run", Duration.ofHours(1)));
            out.accept("  sample: " + result.loadedRows() + " row(s) extracted to " + sandbox.describe() + " and loaded into a temporary copy of "
                    + load.table() + " " + result.copy());
            if (load.mode() == LoadMode.REPLACE) {
                replaceCheck(step, load.replaceWhere().condition(), target, result.loadedRows(), out, problems);
                overlapCheck(step, load, "ferry_try_run", "of the sample", target, out, problems);
            }
        } catch (Exception x) {
            problems.add("step " + step.id() + ": sample of " + rows + " row(s) failed: " + x.getMessage());
        } finally {
            try (Statement s = target.createStatement()) {
                s.execute("DROP TABLE IF EXISTS ferry_try_run"); // the connection goes back to its pool
            } catch (SQLException x) {
                problems.add("cannot drop the temporary table ferry_try_run: " + x.getMessage());
            }
            try {
                for (StoredObject object : store.list(sandbox.prefix())) {
                    store.delete(object.key());
                }
            } catch (Exception x) {
                problems.add("cannot clean the sandbox " + sandbox.describe() + ": " + x.getMessage());
            }
        }
    }

    /** The load's check before commit, on the sample: every sampled row must match replaceWhere. */
    private static void replaceCheck(FlowStep load, String replaceWhere, Connection target, long loaded, Consumer<String> out,
                                     List<String> problems) throws SQLException {
        try (Statement s = target.createStatement(); var rs = s.executeQuery("SELECT count(*) FROM ferry_try_run WHERE " + replaceWhere)) {
            rs.next();
            long matching = rs.getLong(1);
            out.accept("  replace check on the sample: " + matching + " of " + loaded + " row(s) match replaceWhere");
            if (matching != loaded) {
                problems.add("step " + load.id() + ": " + (loaded - matching) + " of " + loaded + " sampled row(s) do not match replaceWhere ("
                        + replaceWhere + "): the extract's query selects rows that replaceWhere does not, so the load would roll back"
                        + " (each run would load them again); make the query select exactly the rows of replaceWhere");
            }
        }
    }

    /** The load's check that replaceWhere selects one date's rows, run on {@code table} without changing it. */
    private static void overlapCheck(FlowStep step, LoadSpec load, String table, String which, Connection c, Consumer<String> out,
                                     List<String> problems) {
        String overlap = load.replaceWhere().overlapSql(table);
        if (overlap == null) {
            return;
        }
        try (Statement s = c.createStatement(); var rs = s.executeQuery(overlap)) {
            rs.next();
            long rows = rs.getLong(1);
            out.accept("  one-date check " + which + ": " + rows + " row(s) match replaceWhere for " + load.replaceWhere().describeNeighbours()
                    + " too");
            if (rows > 0) {
                problems.add("step " + step.id() + ": " + rows + " row(s) " + which + " match replaceWhere (" + load.replaceWhere()
                        + ") and also the same condition for " + load.replaceWhere().describeNeighbours() + ": the replace would delete"
                        + " rows of other dates, so the load would roll back; write replaceWhere to select exactly one date");
            }
        } catch (SQLException e) {
            problems.add("step " + step.id() + ": cannot check replaceWhere on " + table + ": " + e.getMessage());
        }
    }

    private static String prefix(String prefix) {
        return prefix == null || prefix.endsWith("/") ? prefix : prefix + "/";
    }

    private String script(String location, Variables variables) throws Exception {
        return variables.resolve(ScriptFile.read(location, loader)
                .orElseThrow(() -> new IllegalArgumentException("script file " + ScriptFile.notFound(location))));
    }
}
