package dev.ferry.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.Await;
import dev.ferry.testing.PerClassDatabases;
import dev.ferry.testing.Pipeline;
import dev.ferry.testing.Postgres;
import dev.ferry.variables.BusinessDate;
import java.io.IOException;
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
 * Two {@code ferry serve} processes, and the one running a load stalls (SIGSTOP: as a long GC pause or a network
 * partition does) past {@code ferry.recovery.stale-after}: the other takes the run over and restarts it; when the stalled
 * one wakes (SIGCONT) and finishes its COPY, its commit is refused, so the date ends with the source's rows once and one
 * COMPLETED execution.
 */
@ExtendWith(PerClassDatabases.class)
class StalledNodeTest {

    static Pipeline pipeline;

    @BeforeAll
    static void setUp(Pipeline created) {
        pipeline = created;
    }

    @Test
    void aNodeStalledPastStaleAfterIsTakenOverAndItsLoadIsRefusedWhenItWakes() throws Exception {
        String yesterday = BusinessDate.forRunAt(ZonedDateTime.now(ZoneOffset.UTC), ZoneOffset.UTC).toString();
        String day = yesterday.substring(0, 4) + "-" + yesterday.substring(4, 6) + "-" + yesterday.substring(6);
        pipeline.createReferenceTables(10);
        Postgres.execute(pipeline.source, "INSERT INTO t_src SELECT 900000 + i, i % 7, DATE '" + day + "' FROM generate_series(1, 3000) i");
        pipeline.config.set("ferry.timezone", "UTC").set("ferry.flow.rds-to-adb.schedule", "*/3 * * * * ?")
                .set("ferry.recovery.stale-after", "10");

        List<Process> nodes = new ArrayList<>();
        try (Pipeline.LoadHold hold = pipeline.holdLoadsUntilReleased()) {
            for (String node : List.of("a", "b")) {
                nodes.add(pipeline.ferryProcess(List.of(), "serve").redirectOutput(pipeline.dir().resolve("serve-" + node + ".log").toFile())
                        .start());
            }
            pipeline.awaitLoadInCopy();
            long first = Postgres.count(pipeline.repository, "SELECT max(jobexecutionid) FROM job_execution");
            long owner = Postgres.count(pipeline.repository, "SELECT o.pid FROM ferry_execution_owner x JOIN ferry_owner o"
                    + " ON o.owner_id = x.owner_id WHERE x.execution_id = " + first);
            Process stalled = nodes.stream().filter(p -> p.pid() == owner).findFirst().orElseThrow();

            signal(stalled, "STOP");
            try {
                // Silent past stale-after, though its pid is there: the other node marks the run FAILED and restarts it.
                // The restart's load waits for the date, which the stalled load's open transaction holds.
                Await.until("the other node restarted the stalled node's run", Duration.ofSeconds(90), () -> Postgres.count(
                        pipeline.repository, "SELECT count(*) FROM step_execution WHERE jobexecutionid > " + first
                                + " AND stepname = 'load'") == 1);
                assertThat(Postgres.text(pipeline.repository, "SELECT exitstatus FROM job_execution WHERE jobexecutionid = " + first))
                        .startsWith("FAILED: recovered: ").contains("has not been heard of since");
                hold.release();
            } finally {
                signal(stalled, "CONT");
            }

            Await.until("the restart completed the date", Duration.ofSeconds(90), () -> Postgres.count(pipeline.repository,
                    "SELECT count(*) FROM job_execution WHERE jobexecutionid > " + first + " AND batchstatus = 'COMPLETED'") == 1);
            Await.until("the woken node's load was refused at its commit", Duration.ofSeconds(60), () -> Postgres.count(pipeline.repository,
                    "SELECT count(*) FROM ferry_step_log WHERE execution_id = " + first + " AND level = 'ERROR'"
                            + " AND message LIKE '%no longer holds mydate " + yesterday + "%'") == 1);
            assertThat(Postgres.count(pipeline.repository, "SELECT count(*) FROM job_execution WHERE batchstatus = 'COMPLETED'"))
                    .as("one COMPLETED execution of the date").isEqualTo(1);
            assertThat(Postgres.text(pipeline.repository, "SELECT batchstatus FROM job_execution WHERE jobexecutionid = " + first))
                    .as("the stalled run stays FAILED").isEqualTo("FAILED");
            String values = "SELECT md5(string_agg(a || '|' || b || '|' || c, ',' ORDER BY a)) FROM %s WHERE c = DATE '" + day + "'";
            assertThat(pipeline.targetRows(day)).isEqualTo(3000);
            assertThat(Postgres.text(pipeline.warehouse, values.formatted("t_target"))).isEqualTo(Postgres.text(pipeline.source,
                    values.formatted("t_src")));
        } finally {
            for (Process node : nodes) {
                signal(node, "CONT");
                node.destroyForcibly();
                node.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static void signal(Process process, String signal) throws IOException, InterruptedException {
        if (process.isAlive()) {
            new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
