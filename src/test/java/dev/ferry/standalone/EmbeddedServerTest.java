package dev.ferry.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new user's first command on a machine with Java only: no database server configured, so Ferry starts
 * its embedded PostgreSQL, keeps its data in ferry-data/postgres, and the next command reuses it.
 */
class EmbeddedServerTest {

    @TempDir
    Path workingDir;
    int port;

    /** {@code ferry ARGS} in a JVM of its own, in an empty working directory, with no Ferry configuration but the port. */
    private String ferry(int expectedExit, String... args) throws IOException, InterruptedException {
        return ferry(workingDir, expectedExit, args);
    }

    private String ferry(Path in, int expectedExit, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dferry.embedded.port=" + port, "-cp", System.getProperty("java.class.path"), FerryCommand.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(in.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("FERRY_"));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", args) + ":\n" + output).isEqualTo(expectedExit);
        return output;
    }

    @AfterEach
    void stopTheEmbeddedServer() throws Exception {
        if (port != 0) {
            ferry(0, "embedded", "stop");
        }
    }

    @Test
    void theDemoRunsOnTheEmbeddedServerAndTheNextCommandReusesItsData() throws Exception {
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }

        String demo = ferry(0, "demo", "--date", "20240105", "--days", "3", "--rows-per-day", "10");
        assertThat(demo).contains("starting the embedded PostgreSQL on 127.0.0.1:" + port).contains("COMPLETED")
                .containsPattern("2024-01-05\\s+10");
        assertThat(workingDir.resolve("ferry-data/postgres/PG_VERSION")).exists();

        String history = ferry(0, "executions");
        assertThat(history).as("the server is reused, with the first run's history")
                .doesNotContain("starting the embedded PostgreSQL").containsPattern("rds-to-adb\\s+20240105\\s+COMPLETED");
        assertThat(ferry(0, "embedded", "status")).contains("running").doesNotContain("not running");

        String elsewhere = ferry(Files.createDirectories(workingDir.resolve("another-project")), 2, "executions");
        assertThat(elsewhere).as("another folder's embedded server is not used").contains("port " + port + " is taken by another PostgreSQL")
                .contains(workingDir.resolve("ferry-data/postgres").toString());

        ferry(0, "embedded", "stop");
        String again = ferry(0, "executions");
        assertThat(again).as("started again from the same data").contains("starting the embedded PostgreSQL")
                .doesNotContain("initdb").containsPattern("rds-to-adb\\s+20240105\\s+COMPLETED");
    }
}
