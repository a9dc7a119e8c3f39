package dev.ferry.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.ConsoleClient;
import dev.ferry.testing.FlowFile;
import dev.ferry.testing.LogCapture;
import dev.ferry.testing.RunningConsole;
import jakarta.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console's REST API on {@code ferry serve}: source, warehouse and repository of its own. */
class ConsoleApiTest extends ConsoleApiContract {

    @TempDir
    static Path dir;
    static RunningConsole console;
    static final String METRICS_TOKEN = "metrics-Token-5c2e";

    @BeforeAll
    static void serve() {
        console = new RunningConsole(dir, pipeline -> {
            pipeline.config.set("ferry.metrics.token", METRICS_TOKEN).set("ferry.flow.fact-b.after", "dim-a,rds-to-adb")
                    .set("ferry.flow.report-c.after", "fact-b");
            for (String flow : List.of("dim-a", "fact-b", "report-c")) {
                FlowFile.named(flow).step("note", "sql", "database", "warehouse", "script", "SELECT 1").writeTo(pipeline.flowsFolder());
            }
        });
        serving(console.uri(), console.pipeline.source, console.pipeline.warehouse, List.of(RunningConsole.SOURCE_PASSWORD, METRICS_TOKEN),
                METRICS_TOKEN);
    }

    @Test
    void jobParametersThatLookSecretAreMaskedOnTheExecutionPage() throws Exception {
        Properties parameters = new Properties();
        parameters.setProperty("mydate", "20190130");
        parameters.setProperty("partner.api-token", "tok-3fa9c1");
        parameters.setProperty("warehouse_password", "pw-77e1");
        parameters.setProperty("region", "cn-hangzhou");
        long id = console.runtime.start("rds-to-adb", parameters);
        JsonObject shown = awaitEnd(viewer, id).getJsonObject("parameters");

        assertThat(shown.getString("partner.api-token")).isEqualTo("****");
        assertThat(shown.getString("warehouse_password")).isEqualTo("****");
        assertThat(shown.getString("region")).isEqualTo("cn-hangzhou");
        assertThat(viewer.get("api/executions/" + id).body()).doesNotContain("tok-3fa9c1", "pw-77e1");
    }

    @Test
    void aUserNameWithALineBreakCannotForgeALineInTheLog() {
        try (LogCapture log = LogCapture.of("dev.ferry.console")) {
            String forged = "mallory\n12:00:00 console login: olga [OPERATOR]\r\u2028";
            assertThat(new ConsoleClient(console.uri()).login(forged, "guess").status()).isEqualTo(401);
            assertThat(log.messages()).anySatisfy(line -> assertThat(line).contains("mallory\\n12:00:00 console login: olga"));
            assertThat(log.messages()).allSatisfy(line -> assertThat(line).doesNotContain("\n", "\r", "\u2028"));
        }
    }

    @Test
    void aFlowsGraphShowsItsUpstreamsAndDownstreamsWithTheirStateForADate() throws Exception {
        long id = start("rds-to-adb", "20190122", false);
        awaitEnd(operator, id);

        JsonObject graph = viewer.get("api/flows/fact-b/graph?mydate=20190122").json();
        assertThat(graph.getString("flow")).isEqualTo("fact-b");
        assertThat(graph.getJsonArray("nodes").getValuesAs(JsonObject.class))
                .extracting(n -> n.getString("flow") + " " + n.getInt("level") + " " + n.getString("state"))
                .containsExactly("dim-a -1 NOT RUN", "rds-to-adb -1 COMPLETED", "fact-b 0 NOT RUN", "report-c 1 NOT RUN");
        assertThat(graph.getJsonArray("nodes").getJsonObject(1).getJsonNumber("execution").longValue()).isEqualTo(id);
        assertThat(graph.getJsonArray("edges").getValuesAs(JsonObject.class)).extracting(e -> e.getString("from") + "->" + e.getString("to"))
                .containsExactlyInAnyOrder("dim-a->fact-b", "rds-to-adb->fact-b", "fact-b->report-c");

        JsonObject fromTheTop = viewer.get("api/flows/rds-to-adb/graph?mydate=20190122").json();
        assertThat(fromTheTop.getJsonArray("nodes").getValuesAs(JsonObject.class)).extracting(n -> n.getString("flow") + " " + n.getInt("level"))
                .containsExactly("rds-to-adb 0", "fact-b 1", "report-c 2");
        assertThat(viewer.get("api/flows/no-such-flow/graph").status()).isEqualTo(404);
        assertThat(viewer.get("api/flows/fact-b/graph?mydate=2019-01-22").status()).isEqualTo(400);
    }

    @AfterAll
    static void stop() {
        console.close();
    }
}
