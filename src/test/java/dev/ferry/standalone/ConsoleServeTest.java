package dev.ferry.standalone;

import static java.nio.file.Files.createDirectories;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.ConsoleClient;
import dev.ferry.testing.FlowFile;
import dev.ferry.testing.PerClassDatabases;
import dev.ferry.testing.Pipeline;
import jakarta.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A user sets up the console as the README says: hash a password, configure the user, run ferry serve. */
@ExtendWith(PerClassDatabases.class)
class ConsoleServeTest {

    static Pipeline pipeline;

    @BeforeAll
    static void setUp(Pipeline created) throws java.io.IOException {
        pipeline = created;
        pipeline.config.set("ferry.timezone", "UTC").set("ferry.flow.timer-probe.schedule", "0 3 * * *");
        // A flow of the user's own with a value its load cannot take, scheduled beside the others.
        Path flows = pipeline.dir().resolve("flows");
        FlowFile.named("upserting").step("load", "load", "database", "warehouse", "table", "t_target", "source", "x/${mydate}/",
                "mode", "upsert").writeTo(createDirectories(flows));
        pipeline.config.set("ferry.flows.dir", flows.toString()).set("ferry.flow.upserting.schedule", "0 4 * * *");
    }

    @Test
    void hashPasswordThenServeGivesTheConsoleWithTheSchedulesNextRuns() throws Exception {
        String hash = hashPassword("night-shift-2024");
        assertThat(hash).startsWith("$argon2id$").doesNotContain("night-shift");

        pipeline.config.set("ferry.console.port", "0").set("ferry.console.user.ops.password-hash", hash)
                .set("ferry.console.user.ops.role", "operator");
        Process serve = pipeline.ferryProcess(List.of(), "serve").start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
            String line;
            List<String> printed = new java.util.ArrayList<>();
            while ((line = out.readLine()) != null && !line.startsWith("console at ")) {
                printed.add(line);
            }
            assertThat(printed).as("a broken flow is reported and left out; the others are served")
                    .anyMatch(l -> l.startsWith("NOT serving upserting: ") && l.contains("mode 'upsert' is not one of"))
                    .noneMatch(l -> l.startsWith("NOT serving timer-probe"));
            assertThat(line).as("ferry serve prints where its console is").isNotNull();
            ConsoleClient client = new ConsoleClient(URI.create(line.substring("console at ".length())));
            assertThat(client.login("ops", "wrong").status()).isEqualTo(401);
            assertThat(client.login("ops", "night-shift-2024").status()).isEqualTo(200);
            JsonObject probe = client.get("api/flows").structure().asJsonArray().getValuesAs(JsonObject.class).stream()
                    .filter(f -> f.getString("name").equals("timer-probe")).findFirst().orElseThrow();
            JsonObject schedule = probe.getJsonObject("schedule");
            assertThat(schedule.getString("cron")).isEqualTo("0 3 * * *");
            assertThat(schedule.getJsonArray("next")).hasSize(3);
            assertThat(schedule.getJsonArray("next").getJsonObject(0).getString("at")).endsWith("T03:00Z");
            assertThat(probe.containsKey("problem")).as("a flow that can run has no problem").isFalse();
            JsonObject broken = client.get("api/flows").structure().asJsonArray().getValuesAs(JsonObject.class).stream()
                    .filter(f -> f.getString("name").equals("upserting")).findFirst().orElseThrow();
            assertThat(broken.getString("problem")).contains("step load, property mode: mode 'upsert' is not one of");
        } finally {
            serve.destroy();
            serve.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void withNoScheduleServeKeepsServingTheConsoleUntilStopped() throws Exception {
        Path alone = pipeline.dir().resolve("console-alone.properties");
        String config = java.nio.file.Files.readString(pipeline.configFile()).lines()
                .filter(line -> !line.contains(".schedule=") && !line.startsWith("ferry.console."))
                .collect(java.util.stream.Collectors.joining("\n"));
        java.nio.file.Files.writeString(alone, config + "\nferry.console.port=0\nferry.console.user.ops.password-hash="
                + hashPassword("night-shift-2024").replace("\\", "\\\\") + "\nferry.console.user.ops.role=viewer\n");
        List<String> command = new java.util.ArrayList<>(pipeline.ferryProcess(List.of(), "serve").command());
        command.set(command.size() - 1, alone.toString()); // --config FILE: this file instead
        Process serve = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
            String line;
            List<String> printed = new java.util.ArrayList<>();
            while ((line = out.readLine()) != null && !line.startsWith("console at ")) {
                printed.add(line);
            }
            assertThat(line).as("the console is served: " + printed).isNotNull();
            assertThat(printed).noneMatch(l -> l.startsWith("serving "));
            ConsoleClient client = new ConsoleClient(URI.create(line.substring("console at ".length())));

            assertThat(serve.waitFor(3, TimeUnit.SECONDS)).as("serve is still running").isFalse();
            assertThat(client.login("ops", "night-shift-2024").status()).isEqualTo(200);
        } finally {
            serve.destroy();
            serve.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static String hashPassword(String password) throws Exception {
        Process hashing = pipeline.ferryProcess(List.of(), "hash-password").redirectErrorStream(false).start();
        try (OutputStream in = hashing.getOutputStream()) {
            in.write((password + "\n").getBytes(StandardCharsets.UTF_8));
        }
        String hash = new String(hashing.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(hashing.waitFor(1, TimeUnit.MINUTES)).isTrue();
        return hash;
    }
}
