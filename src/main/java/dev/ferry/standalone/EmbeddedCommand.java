package dev.ferry.standalone;

import java.util.Optional;
import java.util.concurrent.Callable;
import org.eclipse.microprofile.config.Config;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "embedded", mixinStandardHelpOptions = true,
        description = "Shows or stops the embedded PostgreSQL that Ferry starts when no database server is configured.")
final class EmbeddedCommand implements Callable<Integer> {

    @ParentCommand
    FerryCommand ferry;

    @Parameters(index = "0", paramLabel = "status|stop", description = "status (default) or stop.", defaultValue = "status")
    String action;

    @Override
    public Integer call() {
        Config config = StandaloneConfig.load(Optional.ofNullable(ferry.configFile));
        EmbeddedServer server = EmbeddedServer.usedBy(config).orElseThrow(() -> new IllegalArgumentException(
                "this configuration names its database servers (ferry.db.NAME.url, ferry.repository.url): there is no embedded one"));
        switch (action) {
            case "status" -> System.out.printf("embedded PostgreSQL on 127.0.0.1:%d, data in %s: %s%n", server.port(), server.dir(),
                    server.running() ? "running" : "not running (the next command that needs it starts it)");
            case "stop" -> System.out.println(server.stop() ? "embedded PostgreSQL stopped" : "embedded PostgreSQL was not running");
            default -> throw new IllegalArgumentException("'" + action + "' is not status or stop");
        }
        return 0;
    }
}
