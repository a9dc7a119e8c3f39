package dev.ferry.standalone;

import dev.ferry.flow.FlowVersion;
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
            Properties original = runtime.operator().getParameters(executionId);
            String jobXml = original.getProperty("jberet.jobXmlName", runtime.operator().getJobExecution(executionId).getJobName());
            String now = runtime.flows().version(jobXml).orElseThrow(() -> new IllegalArgumentException("the job XML " + jobXml + " of execution " + executionId + " is gone"));
            String then = original.getProperty(FlowVersion.PARAMETER);
            if (then != null && !then.equals(now)) {
                System.out.printf("flow %s has changed since execution %d started (version %s, now %s): the restart runs the changed flow%n",
                        runtime.operator().getJobExecution(executionId).getJobName(), executionId, then, now);
            }
            Properties restart = new Properties();
            restart.setProperty(FlowVersion.PARAMETER, now);
            long id = runtime.operator().restart(executionId, restart);
            System.out.printf("restarting execution %d as execution %d%n", executionId, id);
            return new RunReporter(runtime, System.out).follow(id);
        }
    }
}
