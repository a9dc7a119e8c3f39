package dev.ferry.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.Await;
import dev.ferry.testing.ConsoleClient;
import dev.ferry.testing.PerClassDatabases;
import dev.ferry.testing.Pipeline;
import dev.ferry.testing.Postgres;
import dev.ferry.testing.S3Server;
import dev.ferry.testing.WildFlyNode;
import dev.ferry.variables.BusinessDate;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two WildFly servers with the WAR, each prepared by server-config/wildfly/setup.sh from the same properties file, on
 * one job repository, warehouse and S3 store, as production runs them behind a load balancer. A flow scheduled every
 * three seconds fires on both; its business date runs once. Killed (kill -9) in the middle of that run's load, one
 * server leaves the date to the other, which finds the dead owner on its own and completes the date exactly. A restart
 * of the live run from the other server is refused, whether asked through the console or jboss-cli; a console login
 * made on one server is valid on the other.
 */
@ExtendWith(PerClassDatabases.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WildFlyClusterIT {

    static final int ROWS = 3000;
    static final String PASSWORD = "correct horse battery staple"; // olga, an operator, added by prepare.sh
    static final Duration STALE_AFTER = Duration.ofSeconds(20);
    static Pipeline pipeline;
    static S3Server s3;
    static Pipeline.LoadHold hold;
    static WildFlyNode a;
    static WildFlyNode b;
    static String yesterday;
    static String day;

    @BeforeAll
    static void twoServers(Pipeline created) throws Exception {
        pipeline = created;
        s3 = new S3Server();
        pipeline.withS3Store(s3, "ferry-cluster");
        yesterday = BusinessDate.forRunAt(ZonedDateTime.now(ZoneOffset.UTC), ZoneOffset.UTC).toString();
        day = yesterday.substring(0, 4) + "-" + yesterday.substring(4, 6) + "-" + yesterday.substring(6);
        pipeline.createReferenceTables(10);
        Postgres.execute(pipeline.source, "INSERT INTO t_src SELECT 900000 + i, i % 7, DATE '" + day + "' FROM generate_series(1, "
                + ROWS + ") i");
        // PostgreSQL notices a killed client while its statement runs, as a server set up for this would.
        Postgres.execute(pipeline.warehouse, "ALTER DATABASE " + pipeline.warehouse.substring(pipeline.warehouse.lastIndexOf('/') + 1)
                + " SET client_connection_check_interval = '500ms'");
        // The date's first load waits in its COPY until the test lets it go: time to look at the cluster, and to kill.
        hold = pipeline.holdLoadsUntilReleased();
        pipeline.config.set("ferry.postgresql.jar", Path.of("target/postgresql.jar").toAbsolutePath().toString())
                .set("ferry.timezone", "UTC")
                .set("ferry.flow.rds-to-adb.schedule", "*/3 * * * * ?")
                .set("ferry.recovery.stale-after", String.valueOf(STALE_AFTER.toSeconds()))
                .set("ferry.batch.max-threads", "4");
        Path properties = pipeline.configFile();
        a = WildFlyNode.prepare("ferry-a", Path.of("target/wildfly-cluster/node-a"), 200, properties);
        b = WildFlyNode.prepare("ferry-b", Path.of("target/wildfly-cluster/node-b"), 300, properties);
        a.start();
        b.start();
        a.awaitDeployed(Duration.ofMinutes(2));
        b.awaitDeployed(Duration.ofMinutes(2));
    }

    @AfterAll
    static void stopServers() throws Exception {
        for (WildFlyNode node : new WildFlyNode[] {a, b}) {
            if (node != null) {
                node.close();
            }
        }
        if (hold != null) {
            hold.close();
        }
        s3.close();
    }

    @Test
    @Order(1)
    void aConsoleLoginMadeOnOneServerIsValidOnTheOther() {
        ConsoleClient onA = new ConsoleClient(a.console());
        assertThat(onA.login("olga", PASSWORD).status()).isEqualTo(200);
        ConsoleClient onB = onA.sameSessionAt(b.console());

        ConsoleClient.Reply flows = onB.get("api/flows");
        assertThat(flows.status()).as(flows.body()).isEqualTo(200);
        assertThat(flows.body()).contains("rds-to-adb");
        // A state-changing call on B with the CSRF token that A gave: the logout ends the session on both.
        assertThat(onB.delete("api/session").status()).isBetween(200, 204);
        assertThat(onA.get("api/flows").status()).isEqualTo(401);
    }

    @Test
    @Order(2)
    void aDateRunsOnceOnTwoServersAndTheOtherCompletesItWhenTheOneRunningItIsKilled() throws Exception {
        pipeline.awaitLoadInCopy();
        long first = Postgres.count(pipeline.repository, "SELECT max(jobexecutionid) FROM job_execution");
        long ownerPid = Postgres.count(pipeline.repository, "SELECT o.pid FROM ferry_execution_owner x JOIN ferry_owner o"
                + " ON o.owner_id = x.owner_id WHERE x.execution_id = " + first);
        WildFlyNode running = a.pid() == ownerPid ? a : b;
        WildFlyNode other = running == a ? b : a;
        assertThat(other.pid()).isNotEqualTo(running.pid());

        // The schedule goes on firing on both servers: each later fire time finds the date claimed.
        String skipped = "flow rds-to-adb, mydate " + yesterday + ": skipped, already claimed by";
        Await.until("two more fire times, on either server", Duration.ofSeconds(60),
                () -> occurrences(a.log() + b.log(), skipped) >= 2);
        assertThat(Postgres.count(pipeline.repository, "SELECT count(*) FROM job_execution")).as("one run so far").isEqualTo(1);

        // A restart of the live run from the other server is refused, through the console...
        ConsoleClient operator = new ConsoleClient(other.console());
        assertThat(operator.login("olga", PASSWORD).status()).isEqualTo(200);
        ConsoleClient.Reply refused = operator.post("api/executions/" + first + "/restart", "");
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.message()).contains("is STARTED on wildfly@").contains(":" + ownerPid).contains("which is alive");
        // ... and through jboss-cli's restart-job, which JBeret would run a second time: that execution stops before its first step.
        long again = result(other.cli("/deployment=ferry.war/subsystem=batch-jberet:restart-job(execution-id=" + first + ")"));
        Await.until("the jboss-cli restart ended", Duration.ofSeconds(60), () -> "FAILED".equals(status(again)));
        assertThat(Postgres.text(pipeline.repository, "SELECT exitstatus FROM job_execution WHERE jobexecutionid = " + again))
                .contains("restarts execution " + first + ", which still runs on wildfly@").contains("refused before its first step");
        assertThat(status(first)).as("the live run is left as it runs").isEqualTo("STARTED");

        running.kill();
        Await.until("the killed server's load ends in the warehouse", Duration.ofSeconds(60), () -> pipeline.loadsInCopy() == 0);
        hold.release();
        long killed = System.nanoTime();

        // Nobody acts: the other server finds the dead owner, marks the run FAILED and restarts it.
        Await.until("the other server completed the date", STALE_AFTER.plus(Duration.ofMinutes(1)), () -> Postgres.count(
                pipeline.repository, "SELECT count(*) FROM job_execution WHERE jobexecutionid > " + again
                        + " AND batchstatus = 'COMPLETED'") == 1);
        assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThan(STALE_AFTER.plus(Duration.ofMinutes(1)));
        long restarted = Postgres.count(pipeline.repository, "SELECT max(jobexecutionid) FROM job_execution");
        assertThat(Postgres.text(pipeline.repository, "SELECT exitstatus FROM job_execution WHERE jobexecutionid = " + first))
                .startsWith("FAILED: recovered: its process wildfly@").contains(":" + ownerPid);
        assertThat(Postgres.text(pipeline.repository, "SELECT o.pid FROM ferry_execution_owner x JOIN ferry_owner o"
                + " ON o.owner_id = x.owner_id WHERE x.execution_id = " + restarted)).isEqualTo(String.valueOf(other.pid()));
        String values = "SELECT md5(string_agg(a || '|' || b || '|' || c, ',' ORDER BY a)) FROM %s WHERE c = DATE '" + day + "'";
        assertThat(pipeline.targetRows(day)).isEqualTo(ROWS);
        assertThat(Postgres.text(pipeline.warehouse, values.formatted("t_target")))
                .isEqualTo(Postgres.text(pipeline.source, values.formatted("t_src")));

        // Later fire times on the survivor find the date held by the restart; nothing else ran it.
        Await.until("a fire time after the restart finds the date claimed", Duration.ofSeconds(30),
                () -> other.log().contains(skipped) && other.log().contains("(execution " + restarted + ")"));
        assertThat(Postgres.count(pipeline.repository, "SELECT count(*) FROM job_execution WHERE batchstatus = 'COMPLETED'"))
                .as("one COMPLETED execution of the date").isEqualTo(1);
        assertThat(Postgres.count(pipeline.repository, "SELECT count(*) FROM ferry_claim WHERE flow = 'rds-to-adb'")).isEqualTo(1);
        assertThat(other.isAlive()).isTrue();
    }

    private static String status(long executionId) {
        return Postgres.text(pipeline.repository, "SELECT batchstatus FROM job_execution WHERE jobexecutionid = " + executionId);
    }

    private static long result(String cliOutput) {
        Matcher m = Pattern.compile("\"result\" => (\\d+)L").matcher(cliOutput);
        assertThat(m.find()).as(cliOutput).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static int occurrences(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }
}
