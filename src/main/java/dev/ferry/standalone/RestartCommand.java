package dev.ferry.standalone;

import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "restart", description = "Restarts a failed or stopped execution from the step that did not complete.")
final class RestartCommand implements Callable<Integer> {

    @ParentCommand
    FerryCommand ferry;

    @Parameters(index = "0", paramLabel = "EXECUTION_ID", description = "The execution to restart (see ferry executions).")
    long executionId;

    @Override
    public Integer call() throws Exception {
        try (StandaloneRuntime runtime = ferry.runtime()) {
            long id = runtime.operator().restart(executionId, new Properties());
            System.out.printf("restarting execution %d as execution %d%n", executionId, id);
            return new RunReporter(runtime, System.out).follow(id);
        }
    }
}
