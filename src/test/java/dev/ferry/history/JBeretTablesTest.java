package dev.ferry.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.PerClassDatabases;
import dev.ferry.testing.Pipeline;
import dev.ferry.testing.Postgres;
import dev.ferry.variables.BusinessDate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.ds.PGSimpleDataSource;

/** Ferry reads and changes JBeret's job repository through one class, and reads back only what it wrote there. */
@ExtendWith(PerClassDatabases.class)
class JBeretTablesTest {

    private static final Pattern JBERET_TABLE = Pattern.compile("\\b(job_instance|job_execution|step_execution|partition_execution)\\b");

    static Pipeline pipeline;
    static JBeretTables tables;

    @BeforeAll
    static void setUp(Pipeline created) {
        pipeline = created;
        pipeline.createReferenceTables(25);
        PGSimpleDataSource repository = new PGSimpleDataSource();
        repository.setURL(pipeline.repository);
        repository.setUser("postgres");
        tables = new JBeretTables(repository);
    }

    @Test
    void noOtherClassOfFerrysNamesJBeretsTables() throws IOException {
        List<String> others = new ArrayList<>();
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                if (!source.endsWith("JBeretTables.java") && JBERET_TABLE.matcher(Files.readString(source)).find()) {
                    others.add(source.toString());
                }
            }
        }
        assertThat(others).as("classes that name job_execution & co. besides JBeretTables").isEmpty();
    }

    @Test
    void aLateStatusWriteOfARunThatRecoveryMarkedFailedIsSkippedButItCanBeAbandoned() throws Exception {
        long id = pipeline.run("rds-to-adb", "20240102").getExecutionId();
        assertThat(tables.guardRecoveredRuns()).isTrue();
        // As recovery marks a run whose owner went silent, while the owner in fact only stalled.
        Postgres.execute(pipeline.repository, "UPDATE job_execution SET batchstatus = 'FAILED', exitstatus = 'FAILED: recovered: run@x:1"
                + " has not been heard of since then' WHERE jobexecutionid = " + id);
        java.util.Properties statements = new java.util.Properties();
        try (var in = org.jberet.repository.JdbcRepository.class.getClassLoader().getResourceAsStream("sql/jberet-sql.properties")) {
            statements.load(in);
        }
        // The stalled owner wakes and JBeret writes the end it saw, with its own statement.
        try (Connection c = Postgres.connect(pipeline.repository); PreparedStatement update = c.prepareStatement(
                statements.getProperty("update-job-execution"))) {
            for (String status : List.of("COMPLETED", "ABANDONED")) {
                update.setTimestamp(1, new java.sql.Timestamp(System.currentTimeMillis()));
                update.setTimestamp(2, new java.sql.Timestamp(System.currentTimeMillis()));
                update.setString(3, status);
                update.setString(4, status);
                update.setString(5, null);
                update.setLong(6, id);
                update.executeUpdate();
                assertThat(Postgres.text(pipeline.repository, "SELECT batchstatus FROM job_execution WHERE jobexecutionid = " + id))
                        .as("after a write of " + status).isEqualTo(status.equals("COMPLETED") ? "FAILED" : "ABANDONED");
            }
        }
        assertThat(tables.guardRecoveredRuns()).as("in place once, not made again").isTrue();
    }

    @Test
    void anExecutionSummaryTellsWhatEachStepMoved() throws Exception {
        pipeline.run("rds-to-adb", "20240101");

        BusinessDate day = BusinessDate.parse("20240101");
        ExecutionSummary run = tables.find(new JBeretTables.Filter(Optional.of("rds-to-adb"), Optional.empty(), Optional.of(day),
                Optional.of(day)), 0, 1).items().get(0);

        assertThat(run.mydate()).isEqualTo("20240101");
        assertThat(run.empty()).isFalse();
        assertThat(run.moved()).containsExactly(new ExecutionSummary.StepMoved("extract", 25, "extract"),
                new ExecutionSummary.StepMoved("load", 25, "load"));
    }

    @Test
    void stepDataThatIsNotAStepReportIsNeverDeserialised() throws Exception {
        pipeline.run("rds-to-adb", "20240102");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new java.util.HashMap<>(java.util.Map.of("planted", List.of(1, 2))));
        }
        try (Connection c = Postgres.connect(pipeline.repository); PreparedStatement update = c.prepareStatement(
                "UPDATE step_execution SET persistentuserdata = ? WHERE stepname = 'extract'"
                        + " AND jobexecutionid = (SELECT max(jobexecutionid) FROM job_execution)")) {
            update.setBytes(1, bytes.toByteArray());
            update.executeUpdate();
        }

        BusinessDate day = BusinessDate.parse("20240102");
        List<ExecutionSummary> runs = tables.latestPerDate(day, day);

        assertThat(runs).singleElement().satisfies(run -> assertThat(run.moved()).extracting(ExecutionSummary.StepMoved::step)
                .as("only the load's own report is read").containsExactly("load"));
    }
}
