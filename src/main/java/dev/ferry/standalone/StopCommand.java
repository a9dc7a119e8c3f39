package dev.ferry.standalone;

import jakarta.batch.runtime.BatchStatus;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "stop", mixinStandardHelpOptions = true, description = "Stops a running execution, in this or another Ferry process; the statement or COPY in flight is cancelled.")
final class StopCommand implements Callable<Integer> {

    @ParentCommand
    FerryCommand ferry;

    @Parameters(index = "0", paramLabel = "EXECUTION_ID", description = "The execution to stop (see ferry executions).")
    long executionId;

    @Override
    public Integer call() throws Exception {
        try (StandaloneRuntime runtime = ferry.runtime()) {
            BatchStatus status = runtime.operator().getJobExecution(executionId).getBatchStatus();
            if (status != BatchStatus.STARTED && status != BatchStatus.STARTING) {
                throw new IllegalArgumentException("execution " + executionId + " is " + status + ", not running");
            }
            runtime.operator().stop(executionId);
            System.out.printf("execution %d: stop requested from its owner %s%n", executionId, runtime.ownerOf(executionId));
            var execution = runtime.await(executionId);
            System.out.printf("execution %d: %s; restart it with: ferry restart %d%n", executionId, execution.getBatchStatus(), executionId);
            return execution.getBatchStatus() == BatchStatus.STOPPED ? 0 : 1;
        }
    }
}
