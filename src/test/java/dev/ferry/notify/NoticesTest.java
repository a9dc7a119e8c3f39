package dev.ferry.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.ferry.history.JBeretTables;
import dev.ferry.testing.FakeClock;
import dev.ferry.testing.Pipeline;
import dev.ferry.testing.Postgres;
import dev.ferry.testing.TestFlows;
import dev.ferry.variables.BusinessDate;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import jakarta.batch.runtime.BatchStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Notices as an operator meets them: a failed step posted with what to look at and no secret; a webhook that is down
 * retried with back-off and its cause named; DingTalk and Slack bodies; a late date noticed once however many nodes
 * watch, and its recovery. Time from a fake clock where it matters.
 */
class NoticesTest {

    static HttpServer receiver;
    static final List<String> received = new CopyOnWriteArrayList<>();
    static final AtomicInteger answer = new AtomicInteger(204);
    static URI hook;
    static Pipeline pipeline;
    static PGSimpleDataSource repository;

    @BeforeAll
    static void setUp(@TempDir Path dir) throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status = answer.get();
            if (status < 300) {
                received.add(exchange.getRequestHeaders().getFirst("Content-Type") + " " + body);
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
        hook = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
        pipeline = new Pipeline(dir);
        pipeline.createReferenceTables(5);
        pipeline.config.set("ferry.notify.webhook", hook.toString()).set("ferry.console.url", "https://etl.example/ferry")
                .set("ferry.db.source.password", "Never-In-A-Webhook-9");
        repository = new PGSimpleDataSource();
        repository.setURL(pipeline.repository);
        repository.setUser("postgres");
        assertThat(pipeline.cli("executions").exitCode()).isZero(); // any command makes the repository's tables
    }

    @AfterAll
    static void tearDown() {
        pipeline.close();
        receiver.stop(0);
    }

    static Notices notices(FakeClock clock, NoticeFormat format, URI webhook) throws SQLException {
        Notices notices = new Notices(repository, new Notices.Settings(Optional.of(webhook), format, EnumSet.allOf(Notice.Event.class),
                Optional.of("https://etl.example/ferry/")), clock);
        notices.createTableIfAbsent();
        return notices;
    }

    static FakeClock clock(String instant) {
        return new FakeClock(Instant.parse(instant), ZoneOffset.UTC);
    }

    static Notice failed(String flow) {
        return new Notice("failed", flow, "20240105", 7L, "load", "the target t_x has no column c",
                "https://etl.example/ferry/#/executions/7", "timer@node-1", Instant.parse("2024-01-06T02:31:00Z"), null);
    }

    @Test
    void aFailedStepIsPostedWithWhatToLookAtAndASuccessIsNot() {
        int before = received.size();
        assertThat(pipeline.run("rds-to-adb", "20240101").getBatchStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(received).hasSize(before);

        var failed = pipeline.run(TestFlows.path("unknown-database"), "20240102");

        assertThat(failed.getBatchStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(received).as("sent by the time the process ends").hasSize(before + 1);
        assertThat(received.get(before)).startsWith("application/json ")
                .contains("\"event\":\"failed\"", "\"flow\":\"unknown-database\"", "\"step\":\"extract\"", "\"mydate\":\"20240102\"",
                        "\"execution\":" + failed.getExecutionId(), "no database named 'nosuch'",
                        "\"console\":\"https://etl.example/ferry/#/executions/" + failed.getExecutionId() + "\"", "\"at\":")
                .doesNotContain("Never-In-A-Webhook-9");
    }

    @Test
    void aWebhookThatIsDownIsRetriedWithBackOffUntilItTakesTheNotice() throws Exception {
        FakeClock clock = clock("2024-01-06T02:31:00Z");
        Notices notices = notices(clock, NoticeFormat.GENERIC, hook);
        answer.set(503);
        try {
            assertThat(notices.record(failed("retried"))).isTrue();
            assertThat(notices.sendDue()).isZero();
            assertThat(row("retried")).isEqualTo("pending 1 answered HTTP 503");
            assertThat(notices.sendDue()).as("not due again for 10 s").isZero();
            assertThat(row("retried")).isEqualTo("pending 1 answered HTTP 503");

            clock.advance(Duration.ofSeconds(10));
            notices.sendDue();
            assertThat(row("retried")).as("then not for 20 s").isEqualTo("pending 2 answered HTTP 503");
            clock.advance(Duration.ofSeconds(19));
            notices.sendDue();
            assertThat(row("retried")).isEqualTo("pending 2 answered HTTP 503");

            answer.set(204);
            clock.advance(Duration.ofSeconds(1));
            assertThat(notices.sendDue()).isEqualTo(1);
            assertThat(row("retried")).isEqualTo("sent 3 null");
            assertThat(received).filteredOn(body -> body.contains("\"flow\":\"retried\"")).hasSize(1);
            assertThat(notices.sendDue()).as("sent once").isZero();
        } finally {
            answer.set(204);
        }
    }

    @Test
    void twoNodesSendingAtOnceSendEachNoticeOnce() throws Exception {
        FakeClock clock = clock("2024-01-06T02:31:00Z");
        List<Notices> nodes = List.of(notices(clock, NoticeFormat.GENERIC, hook), notices(clock, NoticeFormat.GENERIC, hook));
        for (int i = 0; i < 30; i++) {
            nodes.get(i % 2).record(failed("shared-" + i));
        }
        List<Thread> sending = new ArrayList<>();
        for (Notices node : nodes) {
            Thread thread = new Thread(() -> {
                try {
                    while (node.sendDue() > 0) {
                        Thread.onSpinWait();
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            thread.start();
            sending.add(thread);
        }
        for (Thread thread : sending) {
            thread.join();
        }
        for (int i = 0; i < 30; i++) {
            String flow = "\"flow\":\"shared-" + i + "\"";
            assertThat(received).as("shared-%d", i).filteredOn(body -> body.contains(flow)).hasSize(1);
        }
    }

    @Test
    void aWebhookNobodyListensOnIsGivenUpAfterItsAttemptsAndTheCauseIsNamed() throws Exception {
        FakeClock clock = clock("2024-01-06T02:31:00Z");
        Notices notices = notices(clock, NoticeFormat.GENERIC, URI.create("http://127.0.0.1:9/nobody"));
        notices.record(failed("unreachable"));
        for (int i = 0; i < Notices.MAX_ATTEMPTS; i++) {
            notices.sendDue();
            clock.advance(Duration.ofHours(2));
        }
        assertThat(row("unreachable")).startsWith("given-up " + Notices.MAX_ATTEMPTS + " not reached: ConnectException");
    }

    @Test
    void dingTalkAndSlackGetTheMessagesTheirRobotsTake() throws Exception {
        FakeClock clock = clock("2024-01-06T02:31:00Z");
        Notices ding = notices(clock, NoticeFormat.DINGTALK, hook);
        ding.record(failed("ding"));
        ding.sendDue();
        Notices slack = notices(clock, NoticeFormat.SLACK, hook);
        slack.record(failed("slack"));
        slack.sendDue();

        assertThat(received).filteredOn(body -> body.contains("ding 20240105")).singleElement().asString()
                .contains("\"msgtype\":\"markdown\"", "\"title\":\"Ferry: ding failed\"",
                        "ding 20240105 FAILED in step load: the target t_x has no column c (execution 7)",
                        "[open in the console](https://etl.example/ferry/#/executions/7)");
        assertThat(received).filteredOn(body -> body.contains("slack 20240105")).singleElement().asString()
                .contains("{\"text\":\"*Ferry*: slack 20240105 FAILED in step load", "<https://etl.example/ferry/#/executions/7|console>");
    }

    @Test
    void aDateNotCompletedByItsDeadlineIsNoticedLateOnceByTwoNodesAndRecoveredWhenItCompletes() throws Exception {
        // The deadline of 20240110 is 2024-01-11 06:30 UTC; two nodes watch from 06:31.
        FakeClock clock = clock("2024-01-11T06:31:00Z");
        Map<String, Deadlines.Deadline> deadlines = Map.of("rds-to-adb", new Deadlines.Deadline("rds-to-adb", 1, LocalTime.of(6, 30),
                ZoneOffset.UTC));
        List<Notices> nodes = List.of(notices(clock, NoticeFormat.GENERIC, hook), notices(clock, NoticeFormat.GENERIC, hook));
        List<Thread> watching = new ArrayList<>();
        for (Notices node : nodes) {
            Deadlines watch = new Deadlines(deadlines, new JBeretTables(repository), node, clock);
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 5; i++) {
                    watch.watch();
                }
            });
            thread.start();
            watching.add(thread);
        }
        for (Thread thread : watching) {
            thread.join();
        }
        for (Notices node : nodes) {
            node.sendDue();
        }
        assertThat(Postgres.count(pipeline.repository, "SELECT count(*) FROM ferry_notice WHERE event = 'late' AND flow = 'rds-to-adb'"
                + " AND mydate = '20240110'")).isEqualTo(1);
        assertThat(received).filteredOn(body -> body.contains("\"event\":\"late\"") && body.contains("\"mydate\":\"20240110\""))
                .singleElement().asString().contains("\"deadline\":\"2024-01-11T06:30:00Z\"", "\"console\":\"https://etl.example/ferry/#/grid\"");
        assertThat(nodes.get(0).lateNow()).contains("rds-to-adb/20240110");

        assertThat(pipeline.run("rds-to-adb", "20240110").getBatchStatus()).isEqualTo(BatchStatus.COMPLETED);
        clock.advance(Duration.ofMinutes(20));
        for (Notices node : nodes) {
            new Deadlines(deadlines, new JBeretTables(repository), node, clock).watch();
            node.sendDue();
        }
        assertThat(received).filteredOn(body -> body.contains("\"event\":\"recovered\"") && body.contains("\"mydate\":\"20240110\""))
                .hasSize(1);
        assertThat(nodes.get(0).lateNow()).doesNotContain("rds-to-adb/20240110").contains("rds-to-adb/20240109");
    }

    @Test
    void deadlinesAreATimeOfDayTheDayAfterTheBusinessDateOrDaysAfterIt() {
        Map<String, Deadlines.Deadline> deadlines = Deadlines.fromConfig(config(Map.of("ferry.flow.a.deadline", "06:30",
                "ferry.flow.b.deadline", "+2d 7:05", "ferry.flow.c.deadline", "+0d23:00", "ferry.flow.c.timezone", "Asia/Shanghai")));
        BusinessDate mydate = BusinessDate.parse("20240110");
        assertThat(deadlines.get("a").of(mydate)).isEqualTo(Instant.parse("2024-01-11T06:30:00Z"));
        assertThat(deadlines.get("b").of(mydate)).isEqualTo(Instant.parse("2024-01-12T07:05:00Z"));
        assertThat(deadlines.get("c").of(mydate)).isEqualTo(Instant.parse("2024-01-10T15:00:00Z"));
        assertThatThrownBy(() -> Deadlines.fromConfig(config(Map.of("ferry.flow.a.deadline", "6.30"))))
                .hasMessageContaining("ferry.flow.a.deadline '6.30' is not a deadline: give a time of day such as 06:30");
        assertThatThrownBy(() -> Notices.Settings.from(config(Map.of("ferry.notify.format", "teams"))))
                .hasMessageContaining("'teams' is not a format: give generic, dingtalk or slack");
        assertThatThrownBy(() -> Notices.Settings.from(config(Map.of("ferry.notify.events", "failed,lat"))))
                .hasMessageContaining("'lat' is not an event");
    }

    static Config config(Map<String, String> entries) {
        Map<String, String> all = new HashMap<>(entries);
        all.putIfAbsent("ferry.timezone", "UTC");
        return new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(all, "test", 100)).build();
    }

    static String row(String flow) {
        try (var c = repository.getConnection(); var q = c.prepareStatement("SELECT state, attempts, last_error FROM ferry_notice WHERE flow = ?")) {
            q.setString(1, flow);
            try (var rs = q.executeQuery()) {
                rs.next();
                return rs.getString(1) + " " + rs.getInt(2) + " " + rs.getString(3);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
