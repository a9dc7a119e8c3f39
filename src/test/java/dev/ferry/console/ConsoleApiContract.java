package dev.ferry.console;

import static dev.ferry.testing.RunningConsole.OPERATOR;
import static dev.ferry.testing.RunningConsole.PASSWORD;
import static dev.ferry.testing.RunningConsole.VIEWER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.ConsoleClient.Reply;
import dev.ferry.testing.Await;
import dev.ferry.testing.ConsoleClient;
import dev.ferry.testing.Postgres;
import dev.ferry.testing.PrometheusText;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's REST API as operators, viewers and scripts use it: one specification for both runtimes,
 * {@code ferry serve} ({@link ConsoleApiTest}) and the WAR on WildFly ({@code WildFlyConsoleIT}). Its
 * business dates are in 2019, which no other test of a shared database uses; its users are
 * {@link dev.ferry.testing.RunningConsole}'s operator and viewer.
 */
public abstract class ConsoleApiContract {

    static final int ROWS_PER_DAY = 500;
    /** The statement of the flow sleepy, while it runs. */
    static final String SLEEPING = "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(120)'";

    static URI base;
    static String warehouse;
    /** The passwords and keys of the runtime's configuration. */
    static List<String> secrets;
    /** The runtime's {@code ferry.metrics.token}; null when {@code /metrics} is open. */
    static String metricsToken;
    protected static ConsoleClient operator;
    protected static ConsoleClient viewer;

    /**
     * Called by a runtime's test before all: its console at {@code consoleBase}, over these databases.
     *
     * @param token the runtime's {@code ferry.metrics.token}, or null
     */
    protected static void serving(URI consoleBase, String sourceUrl, String warehouseUrl, List<String> configuredSecrets, String token) {
        base = consoleBase;
        metricsToken = token; // every field set here: the test classes of one JVM share them
        warehouse = warehouseUrl;
        secrets = List.copyOf(configuredSecrets);
        Postgres.execute(sourceUrl, "CREATE TABLE IF NOT EXISTS t_src (a int, b int, c date)",
                "DELETE FROM t_src WHERE c >= DATE '2019-01-01'",
                "INSERT INTO t_src SELECT 190000000 + d * 100000 + i, i % 7, DATE '2019-01-01' + d"
                        + " FROM generate_series(0, 40) d, generate_series(1, " + ROWS_PER_DAY + ") i");
        Postgres.execute(warehouseUrl, "CREATE TABLE IF NOT EXISTS t_target (a int, b int, c date)");
        operator = loggedIn(OPERATOR);
        viewer = loggedIn(VIEWER);
    }

    static ConsoleClient loggedIn(String user) {
        ConsoleClient client = new ConsoleClient(base);
        Reply reply = client.login(user, PASSWORD);
        assertThat(reply.status()).as("login as " + user + ": " + reply.body()).isEqualTo(200);
        return client;
    }

    static long targetRows(String date) {
        return Postgres.count(warehouse, "SELECT count(*) FROM t_target WHERE c = DATE '" + date + "'");
    }

    static JsonObject awaitEnd(ConsoleClient client, long id) throws InterruptedException {
        return Await.until("execution " + id + " ends", Duration.ofSeconds(60), () -> client.get("api/executions/" + id).json(),
                execution -> List.of("COMPLETED", "FAILED", "STOPPED", "ABANDONED").contains(execution.getString("status")));
    }

    static long start(String flow, String mydate, boolean force) {
        Reply reply = operator.post("api/flows/" + flow + "/start", "{\"mydate\": \"" + mydate + "\", \"force\": " + force + "}");
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
        return reply.json().getJsonNumber("id").longValue();
    }

    @Test
    void anOperatorStartsAFlowForADateOnceAndSeesWhatEachStepMoved() throws Exception {
        long id = start("rds-to-adb", "20190101", false);

        JsonObject done = awaitEnd(viewer, id);
        assertThat(done.getString("status")).isEqualTo("COMPLETED");
        assertThat(done.getString("mydate")).isEqualTo("20190101");
        assertThat(done.getString("owner")).matches(".+@.+:\\d+");
        JsonArray steps = done.getJsonArray("steps");
        assertThat(steps.getValuesAs(JsonObject.class)).extracting(s -> s.getString("name")).containsExactly("extract", "load");
        assertThat(steps.getJsonObject(0).getJsonNumber("rows").longValue()).isEqualTo(ROWS_PER_DAY);
        assertThat(steps.getJsonObject(1).getJsonNumber("rows").longValue()).isEqualTo(ROWS_PER_DAY);
        assertThat(steps.getJsonObject(1).getJsonNumber("bytes").longValue()).isPositive();
        assertThat(targetRows("2019-01-01")).isEqualTo(ROWS_PER_DAY);

        Reply again = operator.post("api/flows/rds-to-adb/start", "{\"mydate\": \"20190101\"}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.message()).contains("started for 20190101 already").contains("execution " + id).contains("force");

        long forced = start("rds-to-adb", "20190101", true);
        assertThat(awaitEnd(operator, forced).getString("status")).isEqualTo("COMPLETED");
        assertThat(targetRows("2019-01-01")).isEqualTo(ROWS_PER_DAY);
    }

    @Test
    void theGridShowsTheNewestExecutionOfEachDateAndExpandsAFlowIntoSteps() throws Exception {
        long id = start("rds-to-adb", "20190102", false);
        awaitEnd(operator, id);

        JsonObject grid = viewer.get("api/grid?to=20190103&days=3&expand=rds-to-adb").json();
        assertThat(grid.getJsonArray("dates").getValuesAs(jakarta.json.JsonString.class)).extracting(jakarta.json.JsonString::getString)
                .containsExactly("20190103", "20190102", "20190101");
        assertThat(grid.getJsonArray("flows").toString()).contains("rds-to-adb", "sleepy");
        JsonObject cell = grid.getJsonArray("cells").getValuesAs(JsonObject.class).stream()
                .filter(c -> c.getString("mydate").equals("20190102")).findFirst().orElseThrow();
        assertThat(cell.getJsonNumber("id").longValue()).isEqualTo(id);
        assertThat(cell.getString("status")).isEqualTo("COMPLETED");
        assertThat(cell.getBoolean("empty")).isFalse();
        assertThat(cell.getJsonArray("moved").getValuesAs(JsonObject.class)).as("what each step moved, for the cell's rows")
                .extracting(m -> m.getString("step") + ":" + m.getJsonNumber("rows").longValue())
                .containsExactly("extract:" + ROWS_PER_DAY, "load:" + ROWS_PER_DAY);
        assertThat(grid.getJsonArray("steps").getValuesAs(JsonObject.class)).filteredOn(s -> s.getString("mydate").equals("20190102"))
                .extracting(s -> s.getString("step") + ":" + s.getString("status")).containsExactly("extract:COMPLETED", "load:COMPLETED");
        assertThat(grid.getJsonObject("progress")).as("no run of the page is running").isEmpty();
        assertThat(grid.getString("older")).isEqualTo("20181231");
        assertThat(grid.getString("newer")).isEqualTo("20190106");
    }

    @Test
    void theGridOpensOnTheLatestBusinessDateAndReachesToday() throws Exception {
        JsonObject latest = viewer.get("api/grid?days=3").json();
        LocalDate newest = LocalDate.parse(latest.getJsonArray("dates").getString(0), DateTimeFormatter.BASIC_ISO_DATE);
        String today = newest.plusDays(1).format(DateTimeFormatter.BASIC_ISO_DATE);
        assertThat(latest.getString("newer")).as("today's date, past the T+1 date the grid opens on").isEqualTo(today);

        JsonObject todays = viewer.get("api/grid?days=3&to=" + today).json();
        assertThat(todays.getJsonArray("dates").getString(0)).isEqualTo(today);
        assertThat(todays.containsKey("newer") && !todays.isNull("newer")).as("nothing newer than today").isFalse();
    }

    @Test
    void aFailedRunShowsItsErrorAndARestartCompletesIt() throws Exception {
        Postgres.execute(warehouse, "ALTER TABLE t_target RENAME TO t_target_away");
        long failed;
        try {
            failed = start("rds-to-adb", "20190103", false);
            JsonObject execution = awaitEnd(operator, failed);
            assertThat(execution.getString("status")).isEqualTo("FAILED");
            assertThat(execution.getString("error")).startsWith("step load: ").contains("t_target");
            assertThat(execution.getJsonArray("actions").toString()).contains("restart", "abandon");
            assertThat(viewer.post("api/executions/" + failed + "/restart", "").status()).isEqualTo(403);

            JsonObject log = viewer.get("api/executions/" + failed + "/log").json();
            assertThat(log.getBoolean("running")).isFalse();
            List<String> lines = log.getJsonArray("lines").getValuesAs(JsonObject.class).stream()
                    .map(l -> l.getString("step") + " " + l.getString("level") + " " + l.getString("message")).toList();
            assertThat(String.join("\n", lines)).as("each step's log, in the order it was written").containsPattern(java.util.regex.Pattern.compile(
                    "(?s)^extract INFO rds-to-adb/extract started in execution " + failed + " on [^\n]+@[^\n]+"
                            + ".*\nextract INFO rds-to-adb/extract 20190103 done: " + ROWS_PER_DAY + " rows"
                            + ".*\nload INFO rds-to-adb/load started in execution " + failed
                            + ".*\nload ERROR failed: [^\n]*t_target"));
            JsonObject load = viewer.get("api/executions/" + failed + "/log?step=load").json();
            assertThat(load.getJsonArray("lines").getValuesAs(JsonObject.class)).extracting(l -> l.getString("step")).containsOnly("load");
            assertThat(viewer.get("api/executions/" + failed + "/log?after=" + log.getJsonNumber("last").longValue()).json()
                    .getJsonArray("lines")).as("nothing after the last line").isEmpty();
            assertThat(viewer.get("api/executions/99999999/log").status()).isEqualTo(404);
        } finally {
            Postgres.execute(warehouse, "ALTER TABLE t_target_away RENAME TO t_target");
        }
        Reply restarted = operator.post("api/executions/" + failed + "/restart", "");
        assertThat(restarted.status()).as(restarted.body()).isEqualTo(200);
        JsonObject done = awaitEnd(operator, restarted.json().getJsonNumber("id").longValue());
        assertThat(done.getString("status")).isEqualTo("COMPLETED");
        assertThat(done.getJsonArray("steps").getValuesAs(JsonObject.class)).extracting(s -> s.getString("name")).containsExactly("load");
        assertThat(targetRows("2019-01-03")).isEqualTo(ROWS_PER_DAY);

        Reply old = operator.post("api/executions/" + failed + "/restart", "");
        assertThat(old.status()).isEqualTo(409);
        assertThat(operator.post("api/executions/" + failed + "/abandon", "").json().getString("status")).isEqualTo("ABANDONED");
    }

    @Test
    void anOperatorStopsARunningExecution() throws Exception {
        long id = start("sleepy", "20190105", false);
        Await.until("sleepy's statement runs", Duration.ofSeconds(10), () -> Postgres.count(warehouse, SLEEPING) == 1);
        assertThat(operator.get("api/executions/" + id).json().getString("status")).isEqualTo("STARTED");
        assertThat(operator.get("api/executions/" + id).json().getJsonArray("actions").toString()).contains("stop");
        assertThat(viewer.post("api/executions/" + id + "/stop", "").status()).isEqualTo(403);
        assertThat(operator.post("api/executions/" + id + "/stop", "").status()).isEqualTo(200);
        assertThat(awaitEnd(operator, id).getString("status")).isEqualTo("STOPPED");
        assertThat(Postgres.count(warehouse, SLEEPING)).as("the statement in flight was cancelled").isZero();
        Reply again = operator.post("api/executions/" + id + "/stop", "");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.message()).contains("not running");
    }

    @Test
    void aBackfillRunsEveryDateOfTheRangeInTheBackground() throws Exception {
        Reply accepted = operator.post("api/flows/rds-to-adb/backfill", "{\"from\": \"20190201\", \"to\": \"20190203\", \"parallel\": 2}");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        assertThat(accepted.json().getInt("dates")).isEqualTo(3);
        Await.until("three completed dates", Duration.ofSeconds(60), () -> operator.get(
                "api/executions?flow=rds-to-adb&from=20190201&to=20190203&status=COMPLETED").json().getInt("total") == 3);
        assertThat(targetRows("2019-02-01") + targetRows("2019-02-02")
                + targetRows("2019-02-03")).isEqualTo(3 * ROWS_PER_DAY);
    }

    @Test
    void executionsAreFilteredByFlowStatusAndBusinessDateAndPaged() throws Exception {
        for (String date : List.of("20190110", "20190111", "20190112")) {
            awaitEnd(operator, start("rds-to-adb", date, false));
        }
        JsonObject page = viewer.get("api/executions?flow=rds-to-adb&from=20190110&to=20190112&limit=2").json();
        assertThat(page.getInt("total")).isEqualTo(3);
        assertThat(page.getJsonArray("items").getValuesAs(JsonObject.class)).extracting(e -> e.getString("mydate"))
                .containsExactly("20190112", "20190111");
        JsonObject next = viewer.get("api/executions?flow=rds-to-adb&from=20190110&to=20190112&limit=2&offset=2").json();
        assertThat(next.getJsonArray("items").getValuesAs(JsonObject.class)).extracting(e -> e.getString("mydate")).containsExactly("20190110");
        assertThat(viewer.get("api/executions?status=FAILED&from=20190110&to=20190112").json().getInt("total")).isZero();

        JsonObject detailed = viewer.get("api/executions?flow=rds-to-adb&from=20190110&to=20190112&limit=1&detail=true").json()
                .getJsonArray("items").getJsonObject(0);
        assertThat(detailed.getString("mydate")).isEqualTo("20190112");
        assertThat(detailed.getJsonObject("parameters").getString("mydate")).isEqualTo("20190112");
        assertThat(detailed.getString("owner")).isNotBlank();
        assertThat(detailed.getJsonArray("steps").getValuesAs(JsonObject.class)).extracting(s -> s.getJsonNumber("rows").longValue())
                .containsExactly((long) ROWS_PER_DAY, (long) ROWS_PER_DAY);
        assertThat(viewer.get("api/executions?detail=true&limit=101").message()).contains("at most 100 with detail");
    }

    @Test
    void aRequestBodyIsReadStrictlyAndABadValueIsNeverEchoedWhole() {
        Reply huge = operator.post("api/flows/rds-to-adb/start", "{\"mydate\": \"" + "9".repeat(5 << 20) + "\"}");
        assertThat(huge.status()).isEqualTo(413);
        assertThat(huge.body()).hasSizeLessThan(1000).contains("larger than 64 KiB");

        Reply long1 = operator.post("api/flows/rds-to-adb/start", "{\"mydate\": \"" + "9".repeat(60_000) + "\"}");
        assertThat(long1.status()).isEqualTo(400);
        assertThat(long1.body()).hasSizeLessThan(1000).contains("(60000 characters)");

        Reply yes = operator.post("api/flows/rds-to-adb/start", "{\"mydate\": \"20190105\", \"force\": \"yes\"}");
        assertThat(yes.status()).isEqualTo(400);
        assertThat(yes.message()).contains("force must be true or false, not \"yes\"");
        Reply sample = operator.post("api/flows/rds-to-adb/try-run", "{\"mydate\": \"20190105\", \"sample\": 1000000000000}");
        assertThat(sample.status()).isEqualTo(400);
        assertThat(sample.message()).contains("sample must be from 0 to 10000 (got 1000000000000)");
        Reply parallel = operator.post("api/flows/rds-to-adb/backfill", "{\"from\": \"20190105\", \"to\": \"20190106\", \"parallel\": 100000}");
        assertThat(parallel.status()).isEqualTo(400);
        assertThat(parallel.message()).contains("parallel must be from 1 to 16");
        Reply unknown = operator.post("api/flows/rds-to-adb/start", "{\"mydate\": \"20190105\", \"froce\": true}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.message()).contains("unknown field 'froce'").contains("[mydate, force, allowFuture]");
        assertThat(viewer.get("api/executions?limit=100").body()).doesNotContain("20190105");
    }

    @Test
    void flowsListTheirVersionScheduleAndNewestRun() throws Exception {
        awaitEnd(operator, start("rds-to-adb", "20190120", false));
        JsonObject flow = viewer.get("api/flows").structure().asJsonArray().getValuesAs(JsonObject.class).stream()
                .filter(f -> f.getString("name").equals("rds-to-adb")).findFirst().orElseThrow();
        assertThat(flow.getString("version")).hasSize(12);
        assertThat(flow.getJsonObject("last").getString("status")).isEqualTo("COMPLETED");
    }

    @Test
    void anOperatorPausesAFlowsScheduleAndResumesItAndTheFlowsListSaysWhoPausedIt() {
        Reply paused = operator.post("api/flows/sleepy/pause", "");
        assertThat(paused.status()).as(paused.body()).isEqualTo(200);
        assertThat(paused.json().getString("by")).isEqualTo("console:" + OPERATOR);
        assertThat(operator.post("api/flows/sleepy/pause", "").json().getString("at")).as("paused once, by the first")
                .isEqualTo(paused.json().getString("at"));
        JsonObject sleepy = flow("sleepy");
        assertThat(sleepy.getJsonObject("paused").getString("by")).isEqualTo("console:" + OPERATOR);
        assertThat(operator.post("api/flows/no-such-flow/pause", "").status()).isEqualTo(404);

        assertThat(operator.post("api/flows/sleepy/resume", "").status()).isEqualTo(204);
        assertThat(flow("sleepy").containsKey("paused") && !flow("sleepy").isNull("paused")).as("resumed").isFalse();
        assertThat(operator.post("api/flows/sleepy/resume", "").status()).as("resuming a running flow does nothing").isEqualTo(204);
    }

    static JsonObject flow(String name) {
        return flow(viewer, name);
    }

    static JsonObject flow(ConsoleClient client, String name) {
        return client.get("api/flows").structure().asJsonArray().getValuesAs(JsonObject.class).stream()
                .filter(f -> f.getString("name").equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aTryRunReportsItsFindingsAndChangesNothing() {
        Reply report = operator.post("api/flows/rds-to-adb/try-run", "{\"mydate\": \"20190101\"}");
        assertThat(report.status()).as(report.body()).isEqualTo(200);
        assertThat(report.json().getJsonArray("problems")).isEmpty();
        assertThat(report.json().getJsonArray("lines").toString()).contains("t_src");
        assertThat(viewer.post("api/flows/rds-to-adb/try-run", "{\"mydate\": \"20190101\"}").status()).isEqualTo(403);
    }

    @Test
    void everyCallNeedsALoginAndEveryActionTheOperatorRole() {
        ConsoleClient anonymous = new ConsoleClient(base);
        for (String path : List.of("api/flows", "api/grid", "api/executions", "api/executions/1", "api/session", "api/openapi.json")) {
            Reply reply = anonymous.get(path);
            assertThat(reply.status()).as(path).isEqualTo(401);
            assertThat(reply.message()).contains("log in");
        }
        List<String> actions = List.of("api/flows/rds-to-adb/start", "api/flows/rds-to-adb/backfill", "api/flows/rds-to-adb/try-run",
                "api/flows/rds-to-adb/pause", "api/flows/rds-to-adb/resume", "api/executions/1/stop", "api/executions/1/restart", "api/executions/1/abandon");
        for (String path : actions) {
            assertThat(anonymous.post(path, "{}").status()).as(path).isEqualTo(401);
            Reply forbidden = viewer.post(path, "{\"mydate\": \"20190101\", \"from\": \"20190101\", \"to\": \"20190101\"}");
            assertThat(forbidden.status()).as(path).isEqualTo(403);
            assertThat(forbidden.message()).contains("victor may view but not act");
        }
        assertThat(new ConsoleClient(base).login(OPERATOR, "wrong password").status()).isEqualTo(401);
        assertThat(new ConsoleClient(base).login("nobody", PASSWORD).status()).isEqualTo(401);
        assertThat(new ConsoleClient(base).basic(VIEWER, "wrong").get("api/flows").status()).isEqualTo(401);
        assertThat(new ConsoleClient(base).basic(VIEWER, PASSWORD).get("api/flows").status()).isEqualTo(200);
        assertThat(new ConsoleClient(base).basic(VIEWER, PASSWORD).post("api/flows/rds-to-adb/start", "{\"mydate\": \"20190101\"}").status())
                .isEqualTo(403);
    }

    @Test
    void noSpellingOfAnApiPathReachesItsCallWithoutALogin() throws Exception {
        long id = start("rds-to-adb", "20190128", false);
        awaitEnd(operator, id);
        ConsoleClient anonymous = new ConsoleClient(base);
        String body = "{\"mydate\": \"" + UNTOUCHED_DATE + "\", \"from\": \"" + UNTOUCHED_DATE + "\", \"to\": \"" + UNTOUCHED_DATE + "\"}";
        List<String> reached = new ArrayList<>();
        int tried = 0;
        for (String call : OpenApiDescriptionTest.implemented()) {
            if (call.equals("post /api/session") || call.equals("get /metrics")) {
                continue; // logging in is open to all; metrics are open or need their own token (metricsNeedNoLogin...)
            }
            String method = call.substring(0, call.indexOf(' ')).toUpperCase(Locale.ROOT);
            String path = call.substring(call.indexOf('/') + 1).replace("{flow}", "rds-to-adb").replace("{id}", Long.toString(id));
            if (method.equals("GET")) {
                assertThat(viewer.get(path).status()).as("GET " + path + " as a viewer").isEqualTo(200);
            }
            for (String spelling : spellings(path)) {
                Reply reply = anonymous.exact(method, spelling, method.equals("GET") ? null : body);
                tried++;
                if (!List.of(400, 401, 404, 405).contains(reply.status())) {
                    reached.add(method + " " + spelling + " -> " + reply.status() + " "
                            + reply.body().substring(0, Math.min(120, reply.body().length())));
                }
            }
        }
        assertThat(tried).isGreaterThan(100);
        assertThat(reached).as("calls answered without a login").isEmpty();
        assertThat(operator.get("api/executions?from=" + UNTOUCHED_DATE + "&to=" + UNTOUCHED_DATE).json().getInt("total")).isZero();
    }

    /** The business date that the calls made without a login ask for: nothing may ever run for it. */
    private static final String UNTOUCHED_DATE = "20190301";

    /** {@code api/executions/7} as a client can spell it: matrix parameters, doubled and encoded slashes, dot segments, a trailing slash. */
    static List<String> spellings(String path) {
        String rest = path.substring("api/".length());
        return List.of(path, "api;/" + rest, "api;x=1/" + rest, "api//" + rest, "/" + path, path + "/", path + ";x=1",
                path.replace("/", "//"), path.replace("/", ";/"), "api/./" + rest, "api/nothing/../" + rest, "./" + path,
                "api%2F" + rest, "api/" + rest.replace("/", "%2F"), "%61pi/" + rest, "api/" + rest.replace("/", "/./"),
                "api%3B/" + rest, "api/%2E/" + rest);
    }

    @Test
    void theConsoleStartsOnlyTheFlowsFerryKnowsNotAJobXmlFileOnTheServersDisk(@TempDir Path dir) throws Exception {
        Path planted = dir.resolve("planted.xml");
        Files.writeString(planted, """
                <?xml version="1.0" encoding="UTF-8"?>
                <job id="planted" xmlns="https://jakarta.ee/xml/ns/jakartaee" version="2.0">
                    <step id="drop">
                        <batchlet ref="sql">
                            <properties>
                                <property name="database" value="warehouse"/>
                                <property name="script" value="CREATE TABLE planted_ran (a int)"/>
                            </properties>
                        </batchlet>
                    </step>
                </job>
                """);
        String date = "{\"mydate\": \"" + UNTOUCHED_DATE + "\"}";
        String range = "{\"from\": \"" + UNTOUCHED_DATE + "\", \"to\": \"" + UNTOUCHED_DATE + "\"}";
        for (String flow : List.of(planted.toString(), dir.resolve("planted").toString())) {
            String encoded = URLEncoder.encode(flow, StandardCharsets.UTF_8);
            for (String action : List.of("start", "backfill", "try-run")) {
                Reply reply = operator.post("api/flows/" + encoded + "/" + action, action.equals("backfill") ? range : date);
                assertThat(reply.status()).as(action + " " + flow + ": " + reply.body()).isEqualTo(404);
                assertThat(reply.message()).contains("no flow named").contains("rds-to-adb");
            }
        }
        assertThat(operator.get("api/executions?flow=planted").json().getInt("total")).isZero();
        assertThat(Postgres.count(warehouse, "SELECT count(*) FROM pg_tables WHERE tablename = 'planted_ran'")).isZero();
    }

    @Test
    void repeatedWrongPasswordsAreSlowedDownForThatUserWhileOthersStillLogIn() {
        ConsoleClient guesser = new ConsoleClient(base);
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            statuses.add(guesser.login("mallory", "guess " + i).status());
        }
        assertThat(statuses.subList(0, 5)).containsOnly(401);
        assertThat(statuses.subList(5, 8)).contains(429);
        Reply held = guesser.login("mallory", "one more guess");
        assertThat(held.status()).isEqualTo(429);
        assertThat(held.message()).contains("too many wrong passwords for this user").contains("try again in");
        assertThat(new ConsoleClient(base).basic("mallory", "guess").get("api/flows").status()).as("HTTP Basic too").isEqualTo(429);

        loggedIn(VIEWER); // another user at the same address is not held off
    }

    @Test
    void aFloodOfWrongLoginsDoesNotStallTheConsolesOtherCalls() throws Exception {
        // 15 users, one wrong password each: fewer than an address may fail before it is held off (20).
        ExecutorService flood = Executors.newFixedThreadPool(15);
        try {
            List<Future<Integer>> logins = new ArrayList<>();
            for (int i = 0; i < 15; i++) {
                String user = "flood-" + i;
                logins.add(flood.submit(() -> new ConsoleClient(base).login(user, "wrong").status()));
            }
            long started = System.nanoTime();
            assertThat(viewer.get("api/flows").status()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("an API call during the flood").isLessThan(Duration.ofSeconds(3));
            for (Future<Integer> login : logins) {
                assertThat(login.get()).isIn(401, 429);
            }
        } finally {
            flood.shutdownNow();
        }
        loggedIn(VIEWER);
    }

    @Test
    void aSessionsStateChangingCallsNeedItsCsrfToken() {
        Reply forged = operator.postWithoutToken("api/flows/rds-to-adb/start", "{\"mydate\": \"20190115\"}");
        assertThat(forged.status()).isEqualTo(403);
        assertThat(forged.message()).contains("X-Ferry-CSRF");
        assertThat(operator.get("api/executions?from=20190115&to=20190115").json().getInt("total")).isZero();

        JsonObject me = operator.get("api/session").json();
        assertThat(me.getString("user")).isEqualTo(OPERATOR);
        assertThat(me.getJsonArray("roles").toString()).contains("operator");

        ConsoleClient leaving = loggedIn(VIEWER);
        assertThat(leaving.delete("api/session").status()).isEqualTo(204);
        assertThat(leaving.get("api/flows").status()).isEqualTo(401);
    }

    @Test
    void aStateChangingCallFromAnotherSitesPageIsRefusedEvenWithAValidToken() {
        Reply foreign = operator.post("api/flows/rds-to-adb/start", "{\"mydate\": \"20190116\"}", Map.of("Origin", "https://evil.example"));
        assertThat(foreign.status()).isEqualTo(403);
        assertThat(foreign.message()).contains("a call from another origin (https://evil.example");
        Reply login = new ConsoleClient(base).post("api/session", "{\"username\": \"" + OPERATOR + "\", \"password\": \"x\"}",
                Map.of("Origin", "https://evil.example"));
        assertThat(login.status()).as("a login from another site's page").isEqualTo(403);
        assertThat(operator.get("api/executions?from=20190116&to=20190116").json().getInt("total")).isZero();

        String own = base.getScheme() + "://" + base.getAuthority();
        Reply same = operator.post("api/flows/rds-to-adb/start", "{\"mydate\": \"20190116\", \"force\": true}", Map.of("Origin", own));
        assertThat(same.status()).as("from the console's own page: " + same.body()).isEqualTo(201);
    }

    @Test
    void badInputIsRefusedWithAStatusAndAMessageThatSaysWhatToDo() {
        Reply badDate = operator.post("api/flows/rds-to-adb/start", "{\"mydate\": \"2019-01-01\"}");
        assertThat(badDate.status()).isEqualTo(400);
        assertThat(badDate.message()).contains("mydate").contains("yyyyMMdd");
        Reply noDate = operator.post("api/flows/rds-to-adb/start", "{}");
        assertThat(noDate.status()).isEqualTo(400);
        assertThat(noDate.message()).contains("mydate is required");
        Reply notACalendarDate = operator.post("api/flows/rds-to-adb/start", "{\"mydate\": \"20190231\"}");
        assertThat(notACalendarDate.status()).isEqualTo(400);
        Reply unknownFlow = operator.post("api/flows/no-such-flow/start", "{\"mydate\": \"20190101\"}");
        assertThat(unknownFlow.status()).isEqualTo(404);
        assertThat(unknownFlow.message()).contains("no flow named 'no-such-flow'").contains("rds-to-adb");
        Reply unknownExecution = viewer.get("api/executions/999999");
        assertThat(unknownExecution.status()).isEqualTo(404);
        assertThat(unknownExecution.message()).contains("no execution 999999");
        assertThat(viewer.get("api/executions/abc").status()).isEqualTo(400);
        assertThat(viewer.get("api/executions?status=DONE").message()).contains("COMPLETED");
        assertThat(viewer.get("api/executions?from=yesterday").status()).isEqualTo(400);
        assertThat(viewer.get("api/grid?days=400").message()).contains("days must be from 1 to 62");
        Reply notJson = operator.post("api/flows/rds-to-adb/start", "mydate=20190101");
        assertThat(notJson.status()).isEqualTo(400);
        Reply backwards = operator.post("api/flows/rds-to-adb/backfill", "{\"from\": \"20190105\", \"to\": \"20190101\"}");
        assertThat(backwards.status()).isEqualTo(400);
        assertThat(backwards.message()).contains("after");
        Reply noPath = viewer.get("api/nothing-here");
        assertThat(noPath.status()).isEqualTo(404);
        assertThat(noPath.message()).contains("openapi.json");
    }

    static Reply scrape(String authorization) throws Exception {
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(base.resolve("metrics")).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(request.build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.body(), response.headers());
    }

    static PrometheusText.Parsed metrics() throws Exception {
        Reply reply = scrape(metricsToken == null ? null : "Bearer " + metricsToken);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.headers().firstValue("Content-Type")).get().asString().startsWith("text/plain").contains("version=0.0.4");
        return PrometheusText.parse(reply.body());
    }

    @Test
    void metricsCountTheRowsEachStepMovedAndTheRunsByOutcomeAsPrometheusReadsThem() throws Exception {
        PrometheusText.Parsed before = metrics();
        long id = start("rds-to-adb", "20190118", false);
        JsonObject done = awaitEnd(viewer, id);
        assertThat(done.getString("status")).isEqualTo("COMPLETED");
        PrometheusText.Parsed after = metrics();

        assertThat(after.types()).containsEntry("ferry_runs", "counter").containsEntry("ferry_step_rows", "counter")
                .containsEntry("ferry_step_bytes", "counter").containsEntry("ferry_step_duration_seconds", "summary")
                .containsEntry("ferry_runs_running", "gauge").containsEntry("ferry_runs_waiting", "gauge")
                .containsEntry("ferry_late_dates", "gauge").containsEntry("ferry_last_completed_business_date", "gauge")
                .containsEntry("ferry_days_behind", "gauge");
        String[] load = {"flow", "rds-to-adb", "kind", "load", "step", "load"};
        String[] extract = {"flow", "rds-to-adb", "kind", "extract", "step", "extract"};
        assertThat(after.value("ferry_step_rows_total", load) - before.value("ferry_step_rows_total", load)).isEqualTo(ROWS_PER_DAY);
        assertThat(after.value("ferry_step_rows_total", extract) - before.value("ferry_step_rows_total", extract)).isEqualTo(ROWS_PER_DAY);
        assertThat(after.value("ferry_step_bytes_total", load) - before.value("ferry_step_bytes_total", load))
                .isEqualTo(done.getJsonArray("steps").getJsonObject(1).getJsonNumber("bytes").longValue());
        String[] completedRuns = {"flow", "rds-to-adb", "outcome", "completed"};
        assertThat(after.value("ferry_runs_total", completedRuns) - before.value("ferry_runs_total", completedRuns)).isEqualTo(1);
        String[] loadCompleted = {"flow", "rds-to-adb", "kind", "load", "outcome", "completed", "step", "load"};
        assertThat(after.value("ferry_step_duration_seconds_count", loadCompleted) - before.value("ferry_step_duration_seconds_count", loadCompleted))
                .isEqualTo(1);
        assertThat(after.value("ferry_step_duration_seconds_sum", loadCompleted)).isGreaterThan(before.value("ferry_step_duration_seconds_sum", loadCompleted));

        double last = after.value("ferry_last_completed_business_date", "flow", "rds-to-adb");
        assertThat(last).isGreaterThanOrEqualTo(20190118);
        LocalDate lastDate = LocalDate.parse(String.valueOf((long) last), DateTimeFormatter.BASIC_ISO_DATE);
        long behind = java.time.temporal.ChronoUnit.DAYS.between(lastDate, LocalDate.now(java.time.ZoneOffset.UTC).minusDays(1));
        assertThat(after.value("ferry_days_behind", "flow", "rds-to-adb")).isBetween(behind - 1.0, behind + 1.0);
        assertThat(after.samples()).containsKey("ferry_runs_running{flow=sleepy}").containsKey("ferry_late_dates{flow=rds-to-adb}");
        assertThat(after.samples().keySet()).as("labels are flows, steps, kinds and outcomes only: no execution ids, no dates")
                .allSatisfy(key -> assertThat(key).matches("[a-z_]+\\{((flow|kind|step|outcome|quantile)=[^,=}]*,?)*}"));
    }

    @Test
    void metricsNeedNoLoginButTheTokenWhenOneIsSet() throws Exception {
        if (metricsToken == null) {
            assertThat(scrape(null).status()).isEqualTo(200);
            return;
        }
        Reply none = scrape(null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).get().asString().startsWith("Bearer");
        assertThat(none.body()).contains("ferry.metrics.token").doesNotContain(metricsToken);
        assertThat(scrape("Bearer not-" + metricsToken).status()).isEqualTo(401);
        assertThat(scrape("Basic " + java.util.Base64.getEncoder().encodeToString((OPERATOR + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)))
                .status()).as("a console login is not the metrics token").isEqualTo(401);
        assertThat(scrape("Bearer " + metricsToken).status()).isEqualTo(200);
    }

    @Test
    void theOpenApiDescriptionIsServedAndNamesEveryCall() {
        JsonObject api = viewer.get("api/openapi.json").json();
        assertThat(api.getString("openapi")).startsWith("3.");
        assertThat(OpenApiDescriptionTest.documented(api)).isEqualTo(OpenApiDescriptionTest.implemented());
    }

    @Test
    void noPasswordOrAccessKeyReachesTheBrowser() throws Exception {
        long id = start("rds-to-adb", "20190125", false);
        awaitEnd(operator, id);
        StringBuilder seen = new StringBuilder();
        for (String path : List.of("api/flows", "api/grid?to=20190131&days=31&expand=rds-to-adb", "api/executions?limit=500",
                "api/executions/" + id, "api/session", "api/openapi.json", "", "assets/console.js")) {
            seen.append(viewer.get(path).body());
        }
        seen.append(viewer.get("api/executions/" + id + "/log").body());
        seen.append(scrape(metricsToken == null ? null : "Bearer " + metricsToken).body());
        seen.append(operator.post("api/flows/rds-to-adb/try-run", "{\"mydate\": \"20190125\", \"sample\": 10}").body());
        seen.append(operator.post("api/flows/no-such-flow/try-run", "{\"mydate\": \"20190125\"}").body());
        assertThat(secrets).isNotEmpty();
        for (String secret : secrets) {
            assertThat(seen.toString()).doesNotContain(secret);
        }
    }

    @Test
    void thePageIsServed() {
        ConsoleClient anonymous = new ConsoleClient(base);
        Reply page = anonymous.get("");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("<title>Ferry</title>");
        assertThat(page.headers().firstValue("Content-Security-Policy")).get().asString().contains("script-src 'self'")
                .contains("frame-ancestors 'none'").doesNotContain("unsafe-inline");
        assertThat(anonymous.get("assets/console.js").body()).contains("grid?days=");
        assertThat(anonymous.get("assets/..%2Fopenapi.json").status()).isEqualTo(404);
    }
}
