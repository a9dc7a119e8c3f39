package dev.ferry.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** target/ferry, as {@code mvn package} leaves it: Ferry started with the class-data archive made at build time. */
class LauncherIT {

    @Test
    void theLauncherStartsFerryFromItsClassDataArchive() throws Exception {
        assertThat(Path.of("target/ferry.jsa")).as("made by mvn package").exists();

        ProcessBuilder launcher = new ProcessBuilder("target/ferry", "validate", "rds-to-adb").redirectErrorStream(true);
        launcher.environment().put("FERRY_JAVA_OPTS", "-XX:+UseSerialGC -Xmx384m -Xlog:class+load=info"); // the defaults, and a log of where classes come from
        String output = run(launcher);

        assertThat(output).contains("flow rds-to-adb is valid");
        assertThat(output).as("Ferry's classes come from the archive, not the jar")
                .containsPattern("dev\\.ferry\\.flow\\.FlowValidator source: shared objects file");
    }

    @Test
    void withoutAnUsableArchiveTheLauncherStartsFerryAsJavaJarDoes() throws Exception {
        Path elsewhere = Files.createTempDirectory("ferry-launcher");
        Files.copy(Path.of("target/ferry"), elsewhere.resolve("ferry"));
        Files.copy(Path.of("target/ferry.jar"), elsewhere.resolve("ferry.jar"));
        Files.writeString(elsewhere.resolve("ferry.jsa"), "not an archive");

        String output = run(new ProcessBuilder(elsewhere.resolve("ferry").toString(), "--help").redirectErrorStream(true));

        assertThat(output).startsWith("Usage: ferry").doesNotContain("warning").doesNotContain("error");
    }

    private static String run(ProcessBuilder command) throws IOException, InterruptedException {
        Process process = command.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
