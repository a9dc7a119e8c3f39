package dev.ferry.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.PerClassDatabases;
import dev.ferry.testing.Pipeline;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Each execution records its flow's version; a restart under a changed flow says so. */
@ExtendWith(PerClassDatabases.class)
class FlowVersionTest {

    static Pipeline pipeline;

    @BeforeAll
    static void setUp(Pipeline created) {
        pipeline = created;
        pipeline.createReferenceTables(10);
    }

    @Test
    void aRestartAfterTheFlowWasFixedSaysItChangedAndHistoryShowsBothVersions(@TempDir Path flows) throws IOException {
        String reference;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/batch-jobs/rds-to-adb.xml")) {
            reference = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path flow = flows.resolve("my-flow.xml");
        Files.writeString(flow, reference.replace("value=\"t_target\"", "value=\"t_targte\""));
        Pipeline.CliResult failed = pipeline.cli("run", flow.toString(), "-d", "20240101");
        assertThat(failed.exitCode()).isEqualTo(1);
        String id = find("execution (\\d+):", failed.out());

        Files.writeString(flow, reference);
        Pipeline.CliResult restarted = pipeline.cli("restart", id);

        assertThat(restarted.exitCode()).isZero();
        assertThat(restarted.out()).containsPattern("flow rds-to-adb has changed since execution " + id
                + " started \\(version [0-9a-f]{12}, now [0-9a-f]{12}\\)");
        Pipeline.CliResult history = pipeline.cli("executions", "rds-to-adb");
        assertThat(Pattern.compile("\\s([0-9a-f]{12})\\s").matcher(history.out()).results().map(m -> m.group(1)).distinct().count())
                .isEqualTo(2);
    }

    private static String find(String regex, String text) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as(text).isTrue();
        return m.group(1);
    }
}
