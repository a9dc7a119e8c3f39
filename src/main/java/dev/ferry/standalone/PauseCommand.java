package dev.ferry.standalone;

import dev.ferry.schedule.Pauses;
import dev.ferry.schedule.Schedule;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code ferry pause FLOW} and {@code ferry resume FLOW}: a flow's schedule held and let go, for every node. */
final class PauseCommand {

    private PauseCommand() {
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Pauses a flow's schedule on every node (ferry serve and the "
            + "server alike): it starts nothing at its fire times until resumed. A run started by hand still runs.")
    static final class Pause implements Callable<Integer> {

        @ParentCommand
        FerryCommand ferry;

        @Parameters(index = "0", paramLabel = "FLOW", description = "The flow to pause.")
        String flow;

        @Override
        public Integer call() throws Exception {
            try (StandaloneRuntime runtime = ferry.runtime()) {
                known(runtime, flow);
                Pauses.Pause pause = runtime.pauses().pause(flow, by(), Instant.now());
                System.out.printf("flow %s: %s; resume it with: ferry resume %s%n", flow, pause, flow);
                return 0;
            }
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resumes a paused flow's schedule: the fire times it "
            + "passed while paused follow its misfire policy (ferry.flow.FLOW.misfire) at the next tick, within a minute.")
    static final class Resume implements Callable<Integer> {

        @ParentCommand
        FerryCommand ferry;

        @Parameters(index = "0", paramLabel = "FLOW", description = "The flow to resume.")
        String flow;

        @Override
        public Integer call() throws Exception {
            try (StandaloneRuntime runtime = ferry.runtime()) {
                known(runtime, flow);
                Optional<Pauses.Pause> was = runtime.pauses().resume(flow);
                if (was.isEmpty()) {
                    System.out.printf("flow %s was not paused%n", flow);
                    return 0;
                }
                Schedule schedule = Schedule.fromConfig(runtime.config(), runtime.control().flows().names()).get(flow);
                System.out.printf("flow %s: resumed (was %s)%s%n", flow, was.get(), schedule == null ? ""
                        : "; the fire times it passed follow its misfire policy, " + schedule.misfire());
                return 0;
            }
        }
    }

    private static void known(StandaloneRuntime runtime, String flow) {
        if (runtime.control().flows().read(flow).isEmpty()) {
            throw new IllegalArgumentException("no flow named '" + flow + "'; the flows are " + runtime.control().flows().names());
        }
    }

    private static String by() {
        return "cli:" + System.getProperty("user.name", "?") + "@" + StandaloneRuntime.hostName();
    }
}
