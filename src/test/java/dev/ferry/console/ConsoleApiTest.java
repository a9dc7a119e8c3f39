package dev.ferry.console;

import dev.ferry.testing.RunningConsole;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The console's REST API on {@code ferry serve}: source, warehouse and repository of its own. */
class ConsoleApiTest extends ConsoleApiContract {

    @TempDir
    static Path dir;
    static RunningConsole console;

    @BeforeAll
    static void serve() {
        console = new RunningConsole(dir);
        serving(console.uri(), console.pipeline.source, console.pipeline.warehouse, List.of(RunningConsole.SOURCE_PASSWORD));
    }

    @AfterAll
    static void stop() {
        console.close();
    }
}
