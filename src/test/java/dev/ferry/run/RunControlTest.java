package dev.ferry.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.db.Databases;
import dev.ferry.flow.FlowDefinitions;
import dev.ferry.flow.FlowRefusedException;
import dev.ferry.recovery.ExecutionOwners;
import dev.ferry.recovery.Node;
import dev.ferry.schedule.Claims;
import dev.ferry.testing.Postgres;
import dev.ferry.variables.BusinessDate;
import io.smallrye.config.SmallRyeConfigBuilder;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.operations.JobRestartException;
import jakarta.batch.operations.JobStartException;
import jakarta.batch.runtime.BatchStatus;
import jakarta.batch.runtime.JobExecution;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Starting a run, fast: the claim table is real, JBeret's operator is one that fails on demand, so what a
 * failed start leaves behind is seen in milliseconds.
 */
class RunControlTest {

    static final BusinessDate DATE = BusinessDate.parse("20240102");
    static final String FLOW_XML = """
            <?xml version="1.0" encoding="UTF-8"?>
            <job id="orders" xmlns="https://jakarta.ee/xml/ns/jakartaee" version="2.0">
                <step id="sql"><batchlet ref="sql"><properties>
                    <property name="database" value="warehouse"/>
                    <property name="script" value="SELECT 1"/>
                </properties></batchlet></step>
            </job>
            """;

    static Postgres postgres;
    static PGSimpleDataSource repository;
    Claims claims;
    ExecutionOwners owners;
    final AtomicInteger starts = new AtomicInteger();
    final AtomicInteger restarts = new AtomicInteger();

    @BeforeAll
    static void createDatabase() {
        postgres = new Postgres();
        repository = new PGSimpleDataSource();
        repository.setURL(postgres.createDatabase("runcontrol"));
        repository.setUser("postgres");
    }

    @AfterAll
    static void dropDatabase() {
        postgres.close();
    }

    @BeforeEach
    void emptyClaims() throws SQLException {
        claims = new Claims(repository);
        claims.createTableIfAbsent();
        owners = new ExecutionOwners(repository, "node-a", ProcessHandle.current().pid(), "serve", Node.STALE_AFTER);
        owners.register();
        try (var c = repository.getConnection(); var s = c.createStatement()) {
            s.execute("TRUNCATE " + Claims.TABLE);
            s.execute("DROP TABLE IF EXISTS ferry_owner, ferry_execution_owner");
        }
    }

    @Test
    void aForcedStartThatJBeretRefusesGivesBackTheEarlierClaimAndReportsJBeretsError() throws SQLException {
        assertThat(claims.claim("orders", DATE, "timer@node-1", false, "first")).isTrue();
        claims.attach("orders", DATE, 41);
        Claims.Claim earlier = claims.find("orders", DATE).orElseThrow();

        RunControl control = control(failingStarts("JBERET000626: Failed to run INSERT INTO JOB_EXECUTION"));
        assertThatThrownBy(() -> control.startOnce(new RunControl.StartRequest("orders", DATE, Map.of(), "cli:olga@etl-01", true, false)))
                .isInstanceOf(JobStartException.class).hasMessageContaining("JBERET000626")
                .satisfies(e -> assertThat(e.getSuppressed()).isEmpty());

        assertThat(claims.find("orders", DATE)).contains(earlier);
        assertThat(starts).hasValue(1);
    }

    @Test
    void aStartThatJBeretRefusesLeavesTheDateFreeForTheNextStart() throws SQLException {
        RunControl failing = control(failingStarts("the repository is down"));
        assertThatThrownBy(() -> failing.startOnce(new RunControl.StartRequest("orders", DATE, Map.of(), "timer@node-1", false, false)))
                .hasMessageContaining("the repository is down");
        assertThat(claims.find("orders", DATE)).isEmpty();

        RunControl.Start next = control(startsAs(7)).startOnce(new RunControl.StartRequest("orders", DATE, Map.of(), "timer@node-1", false, false));
        assertThat(next).isEqualTo(new RunControl.Started(7));
        assertThat(claims.find("orders", DATE).orElseThrow().executionId()).isEqualTo(7);
    }

    @Test
    void parametersTooLargeForTheJobRepositoryAreRefusedByNameBeforeAnythingIsClaimedOrStarted() throws SQLException {
        RunControl control = control(startsAs(7));
        String large = "x".repeat(3000);
        assertThatThrownBy(() -> control.startOnce(new RunControl.StartRequest("orders", DATE, Map.of("note", large, "region", "eu"),
                "cli:olga@etl-01", true, false)))
                .isInstanceOf(FlowRefusedException.class)
                .hasMessageContaining("holds at most 3000").hasMessageContaining("the largest is note (3000 characters)")
                .hasMessageContaining("nothing was started");
        assertThat(starts).hasValue(0);
        assertThat(claims.find("orders", DATE)).isEmpty();

        assertThat(control.startOnce(new RunControl.StartRequest("orders", DATE, Map.of("note", "x".repeat(2000)), "cli:olga@etl-01",
                false, false))).as("a large value that fits").isEqualTo(new RunControl.Started(7));
    }

    @Test
    void aRestartOfARunWhoseOwnerIsAliveOnAnotherNodeIsRefusedNamingTheOwnerAndOneWhoseOwnerIsSilentGoesAhead() throws SQLException {
        ExecutionOwners nodeB = new ExecutionOwners(repository, "node-b", 4242, "serve", Node.STALE_AFTER);
        nodeB.register();
        nodeB.own(55);
        RunControl control = control(running(55, 56));

        assertThatThrownBy(() -> control.restart(55, "console:olga@node-a", Map.of()))
                .isInstanceOf(JobRestartException.class)
                .hasMessageContaining("execution 55 is STARTED on serve@node-b:4242, heard from 0 s ago, which is alive")
                .hasMessageContaining("a restart now would run it twice").hasMessageContaining("ferry stop 55");
        assertThat(restarts).as("JBeret was not asked").hasValue(0);

        try (var c = repository.getConnection(); var s = c.createStatement()) {
            s.execute("UPDATE ferry_owner SET heartbeat = now() - interval '61 seconds' WHERE host = 'node-b'");
        }
        assertThat(control.restart(55, "console:olga@node-a", Map.of())).as("its owner is silent past stale-after").isEqualTo(56);
        assertThat(restarts).hasValue(1);
    }

    @Test
    void aClaimLeftWithoutItsExecutionByAStartThatDiedLapsesAfterItsLeaseAndTheNextStartTakesIt() throws SQLException {
        assertThat(claims.claim("orders", DATE, "timer@node-1", false, "died")).isTrue(); // the process died before it started the run
        RunControl control = control(startsAs(9));

        assertThat(control.startOnce(new RunControl.StartRequest("orders", DATE, Map.of(), "timer@node-2", false, false)))
                .as("within the lease the date is still claimed").isInstanceOf(RunControl.AlreadyClaimed.class);
        try (var c = repository.getConnection(); var s = c.createStatement()) {
            s.execute("UPDATE " + Claims.TABLE + " SET claimed_at = now() - interval '301 seconds'");
        }
        assertThat(control.startOnce(new RunControl.StartRequest("orders", DATE, Map.of(), "timer@node-2", false, false)))
                .isEqualTo(new RunControl.Started(9));
        Claims.Claim taken = claims.find("orders", DATE).orElseThrow();
        assertThat(taken.claimedBy()).isEqualTo("timer@node-2");
        assertThat(taken.executionId()).isEqualTo(9);
        assertThat(claims.fence("orders", DATE, 9)).as("a new holder, a new fencing token").hasValue(2);

        try (var c = repository.getConnection(); var s = c.createStatement()) {
            s.execute("UPDATE " + Claims.TABLE + " SET claimed_at = now() - interval '1 day'");
        }
        assertThat(control.startOnce(new RunControl.StartRequest("orders", DATE, Map.of(), "timer@node-3", false, false)))
                .as("an attached claim never lapses").isInstanceOf(RunControl.AlreadyClaimed.class);
    }

    /** JBeret's operator as far as a restart goes: execution {@code id} is STARTED, its restart becomes {@code next}. */
    private JobOperator running(long id, long next) {
        JobExecution execution = (JobExecution) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {JobExecution.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getBatchStatus" -> BatchStatus.STARTED;
                    case "getJobName" -> "orders";
                    case "getExecutionId" -> id;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return (JobOperator) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {JobOperator.class}, (proxy, method, args) -> {
            switch (method.getName()) {
                case "getJobExecution":
                    return execution;
                case "getParameters":
                    Properties parameters = new Properties();
                    parameters.setProperty("mydate", DATE.toString());
                    parameters.setProperty(RunControl.JOB_XML, "orders");
                    return parameters;
                case "restart":
                    restarts.incrementAndGet();
                    return next;
                default:
                    throw new UnsupportedOperationException(method.getName() + " is not part of a restart");
            }
        });
    }

    private RunControl control(JobOperator operator) {
        FlowDefinitions flows = new FlowDefinitions() {
            @Override
            public List<String> names() {
                return List.of("orders");
            }

            @Override
            public InputStream jobXml(String flow) {
                return flow.equals("orders") ? new ByteArrayInputStream(FLOW_XML.getBytes(StandardCharsets.UTF_8)) : null;
            }

            @Override
            public ClassLoader loader() {
                return RunControlTest.class.getClassLoader();
            }
        };
        return new RunControl(operator, claims, flows, new NamedDatabases(Set.of("warehouse")),
                new SmallRyeConfigBuilder().withDefaultValue("ferry.timezone", "UTC").build(), Clock.systemUTC(), owners,
                new dev.ferry.history.JBeretTables(repository));
    }

    private JobOperator failingStarts(String message) {
        return operator(() -> {
            throw new JobStartException(message);
        });
    }

    private JobOperator startsAs(long executionId) {
        return operator(() -> executionId);
    }

    /** JBeret's operator as far as a start goes: {@code start} does what is asked, anything else is not expected. */
    private JobOperator operator(java.util.function.LongSupplier start) {
        return (JobOperator) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {JobOperator.class}, (proxy, method, args) -> {
            if (method.getName().equals("start")) {
                starts.incrementAndGet();
                return start.getAsLong();
            }
            throw new UnsupportedOperationException(method.getName() + " is not part of a start");
        });
    }

    /** Databases known by name only: a start checks the names its flow uses and connects to none. */
    private record NamedDatabases(Set<String> names) implements Databases {
        @Override
        public Connection connect(String name) {
            throw new UnsupportedOperationException("a start connects to no database");
        }

        @Override
        public void discard(Connection connection) {
        }

        @Override
        public int spare(String name) {
            return 0;
        }

        @Override
        public void close() {
        }
    }
}
