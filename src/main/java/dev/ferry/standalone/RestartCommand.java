package dev.ferry.standalone;

import dev.ferry.run.RunControl;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "restart", mixinStandardHelpOptions = true, description = "Restarts a failed or stopped execution from the step that did not complete.")
final class RestartCommand implements Callable<Integer> {

    @ParentCommand
    FerryCommand ferry;

    @Parameters(index = "0", paramLabel = "EXECUTION_ID", description = "The execution to restart (see ferry executions).")
    long executionId;

    @Override
    public Integer call() throws Exception {
        try (StandaloneRuntime runtime = ferry.runtime()) {
            RunControl control = runtime.control();
            control.changedSince(executionId).ifPresent(System.out::println);
            long id = control.restart(executionId, runtime.owner("cli"), Map.of());
            System.out.printf("restarting execution %d as execution %d%n", executionId, id);
            return new RunReporter(runtime, System.out).follow(id);
        }
    }
}
