package dev.ferry.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.Await;
import dev.ferry.testing.PerClassDatabases;
import dev.ferry.testing.Pipeline;
import dev.ferry.testing.Postgres;
import dev.ferry.variables.BusinessDate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two {@code ferry serve} processes on one job repository, as a team runs two servers for availability: the
 * schedule fires on both and the business date runs once; when the node running it is killed mid-load, the other
 * node notices on its own, marks the run FAILED and restarts it, and the date ends with exactly the source's rows; the
 * date, past its deadline, is noticed late once, and recovered once, though both nodes watch it.
 */
@ExtendWith(PerClassDatabases.class)
class TwoNodesTest {

    static Pipeline pipeline;

    @BeforeAll
    static void setUp(Pipeline created) {
        pipeline = created;
    }

    @Test
    void aDateRunsOnceOnTwoNodesAndTheSurvivorFinishesItWhenTheNodeRunningItIsKilled() throws Exception {
        String yesterday = BusinessDate.forRunAt(ZonedDateTime.now(ZoneOffset.UTC), ZoneOffset.UTC).toString();
        String day = yesterday.substring(0, 4) + "-" + yesterday.substring(4, 6) + "-" + yesterday.substring(6);
        pipeline.createReferenceTables(10);
        Postgres.execute(pipeline.source, "INSERT INTO t_src SELECT 900000 + i, i % 7, DATE '" + day + "' FROM generate_series(1, 3000) i");
        // PostgreSQL notices a killed client while its statement runs, as a server set up for this would.
        Postgres.execute(pipeline.warehouse, "ALTER DATABASE " + pipeline.warehouse.substring(pipeline.warehouse.lastIndexOf('/') + 1)
                + " SET client_connection_check_interval = '500ms'");
        // Its deadline (the midnight after the date) has passed: both nodes watch it, and it is noticed late once.
        pipeline.config.set("ferry.timezone", "UTC").set("ferry.flow.rds-to-adb.schedule", "*/3 * * * * ?")
                .set("ferry.flow.rds-to-adb.deadline", "00:00");
        pipeline.holdLoads(60);

        List<Process> nodes = new ArrayList<>();
        try {
            for (String node : List.of("a", "b")) {
                Path log = pipeline.dir().resolve("serve-" + node + ".log");
                nodes.add(pipeline.ferryProcess(List.of(), "serve").redirectOutput(log.toFile()).start());
            }
            pipeline.awaitLoadInCopy();
            long first = Postgres.count(pipeline.repository, "SELECT max(jobexecutionid) FROM job_execution");
            long owner = Postgres.count(pipeline.repository, "SELECT o.pid FROM ferry_execution_owner x JOIN ferry_owner o"
                    + " ON o.owner_id = x.owner_id WHERE x.execution_id = " + first);
            Process running = nodes.stream().filter(p -> p.pid() == owner).findFirst().orElseThrow();
            Process survivor = nodes.stream().filter(p -> p.pid() != owner).findFirst().orElseThrow();

            running.destroyForcibly();
            assertThat(running.waitFor(30, TimeUnit.SECONDS)).isTrue();
            Await.until("the killed node's load ends", Duration.ofSeconds(60), () -> pipeline.loadsInCopy() == 0);
            pipeline.releaseLoads();

            // No process starts or joins: the surviving node finds the dead owner, marks the run FAILED and restarts it.
            Await.until("the survivor restarted the date and it completed", Duration.ofSeconds(90), () -> Postgres.count(pipeline.repository,
                    "SELECT count(*) FROM job_execution WHERE jobexecutionid > " + first + " AND batchstatus = 'COMPLETED'") == 1);
            Path survivorLog = pipeline.dir().resolve("serve-" + (nodes.indexOf(survivor) == 0 ? "a" : "b") + ".log");
            long restarted = Postgres.count(pipeline.repository, "SELECT max(jobexecutionid) FROM job_execution");
            // Further fire times on the survivor, after the restart: each finds the date claimed and starts nothing.
            Await.until("a fire time after the restart finds the date claimed", Duration.ofSeconds(30), () -> Files.readString(survivorLog)
                    .contains("skipped, already claimed by") && Files.readString(survivorLog).contains("(execution " + restarted + ")"));

            assertThat(Postgres.count(pipeline.repository, "SELECT count(*) FROM job_execution")).as("the killed run and its restart")
                    .isEqualTo(2);
            assertThat(Postgres.text(pipeline.repository, "SELECT exitstatus FROM job_execution WHERE jobexecutionid = " + first))
                    .startsWith("FAILED: recovered: its process ");
            assertThat(Postgres.text(pipeline.repository, "SELECT restarted_by FROM ferry_orphan_restart WHERE execution_id = " + first))
                    .startsWith("recovery@");
            assertThat(Postgres.count(pipeline.repository, "SELECT count(*) FROM ferry_claim WHERE flow = 'rds-to-adb'")).isEqualTo(1);
            String values = "SELECT md5(string_agg(a || '|' || b || '|' || c, ',' ORDER BY a)) FROM %s WHERE c = DATE '" + day + "'";
            assertThat(pipeline.targetRows(day)).isEqualTo(3000);
            assertThat(Postgres.text(pipeline.warehouse, values.formatted("t_target"))).isEqualTo(Postgres.text(pipeline.source,
                    values.formatted("t_src")));
            assertThat(survivor.isAlive()).isTrue();
            Await.until("the late date's recovery is noticed", Duration.ofSeconds(30), () -> Postgres.count(pipeline.repository,
                    "SELECT count(*) FROM ferry_notice WHERE event = 'recovered'") == 1);
            assertThat(Postgres.count(pipeline.repository, "SELECT count(*) FROM ferry_notice WHERE event = 'late' AND flow = 'rds-to-adb'"
                    + " AND mydate = '" + yesterday + "'")).as("late once, with two serving nodes watching").isEqualTo(1);
        } finally {
            for (Process node : nodes) {
                node.destroyForcibly();
                node.waitFor(30, TimeUnit.SECONDS);
            }
            if (Postgres.count(pipeline.warehouse, "SELECT count(*) FROM pg_trigger WHERE tgname = 'hold_load'") > 0) {
                pipeline.releaseLoads();
            }
        }
    }
}
