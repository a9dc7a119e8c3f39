package dev.ferry.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.ConsoleClient;
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

    @BeforeAll
    static void serve() {
        metricsToken = "metrics-Token-5c2e";
        console = new RunningConsole(dir, pipeline -> pipeline.config.set("ferry.metrics.token", metricsToken));
        serving(console.uri(), console.pipeline.source, console.pipeline.warehouse, List.of(RunningConsole.SOURCE_PASSWORD, metricsToken));
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

    @AfterAll
    static void stop() {
        console.close();
    }
}
