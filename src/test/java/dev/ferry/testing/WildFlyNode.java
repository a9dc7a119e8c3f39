package dev.ferry.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One WildFly server of a cluster: its own home (made by {@code src/test/wildfly/cluster-node.sh} from the unpacked
 * server and prepared with {@code server-config/wildfly/setup.sh}, as a user prepares each server), the WAR in its
 * deployments folder, started with {@code bin/standalone.sh} as an operator starts it, its ports shifted by an offset.
 */
public final class WildFlyNode implements AutoCloseable {

    private final String name;
    private final Path home;
    private final int offset;
    private Process script;

    private WildFlyNode(String name, Path home, int offset) {
        this.name = name;
        this.home = home;
        this.offset = offset;
    }

    /** Makes the node's home under {@code home} and prepares it with {@code properties}, the same file for every node. */
    public static WildFlyNode prepare(String name, Path home, int portOffset, Path properties) throws IOException, InterruptedException {
        Path unpacked = Path.of(System.getProperty("jboss.home", "target/wildfly"));
        Process setup = new ProcessBuilder("bash", "src/test/wildfly/cluster-node.sh", unpacked.toString(), home.toString(),
                properties.toString()).redirectErrorStream(true).start();
        String output = new String(setup.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!setup.waitFor(120, TimeUnit.SECONDS) || setup.exitValue() != 0) {
            throw new IllegalStateException("cluster-node.sh " + name + " failed:\n" + output);
        }
        return new WildFlyNode(name, home, portOffset);
    }

    public String name() {
        return name;
    }

    /** Starts the server as {@code jboss.node.name} = this node's name; the WAR deploys as it boots. */
    public void start() throws IOException {
        Files.deleteIfExists(marker("deployed"));
        Files.deleteIfExists(marker("failed"));
        script = new ProcessBuilder(home.resolve("bin/standalone.sh").toString(), "-Djboss.socket.binding.port-offset=" + offset,
                "-Djboss.node.name=" + name).redirectErrorStream(true).redirectOutput(home.resolve("console.out").toFile()).start();
    }

    /** Waits until the WAR is deployed; a failed deployment or a server that died fails at once, with the server's log. */
    public void awaitDeployed(Duration within) throws Exception {
        Await.until(name + " deployed ferry.war", within, () -> {
            if (Files.exists(marker("failed")) || !script.isAlive()) {
                throw new IllegalStateException(name + " did not deploy ferry.war:\n" + tail(serverLog(), 60));
            }
            return Files.exists(marker("deployed"));
        });
    }

    /** The console as this node serves it. */
    public URI console() {
        return URI.create("http://127.0.0.1:" + (8080 + offset) + "/ferry/");
    }

    /** The server's JVM: the process that Ferry records as a run's owner. */
    public long pid() {
        return script.descendants().filter(p -> p.info().command().map(c -> c.endsWith("java")).orElse(false))
                .findFirst().orElseThrow(() -> new IllegalStateException(name + " has no JVM running")).pid();
    }

    public boolean isAlive() {
        return script != null && script.isAlive();
    }

    /** Runs a jboss-cli command against this node's management port, as an operator does; returns its output. */
    public String cli(String command) throws IOException, InterruptedException {
        Process cli = new ProcessBuilder(home.resolve("bin/jboss-cli.sh").toString(), "--connect",
                "--controller=127.0.0.1:" + (9990 + offset), "--command=" + command).redirectErrorStream(true).start();
        String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!cli.waitFor(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("jboss-cli on " + name + " did not end: " + command);
        }
        return output;
    }

    /** kill -9 of the server's JVM (a power cut, the OOM killer): nothing of it runs after this returns. */
    public void kill() throws InterruptedException {
        List<ProcessHandle> all = script.descendants().toList();
        script.destroyForcibly();
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle process : all) {
            process.onExit().orTimeout(30, TimeUnit.SECONDS).join();
        }
        script.waitFor(30, TimeUnit.SECONDS);
    }

    public Path serverLog() {
        return home.resolve("standalone/log/server.log");
    }

    public String log() throws IOException {
        return Files.exists(serverLog()) ? Files.readString(serverLog()) : "";
    }

    private Path marker(String outcome) {
        return home.resolve("standalone/deployments/ferry.war." + outcome);
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no " + file + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (isAlive()) {
            kill();
        }
    }
}
