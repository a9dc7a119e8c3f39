package dev.ferry.standalone;

import dev.ferry.steplog.StepLogs;
import jakarta.batch.operations.NoSuchJobExecutionException;
import jakarta.batch.runtime.BatchStatus;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "log", mixinStandardHelpOptions = true,
        description = "Prints the log of an execution's steps, kept in the job repository by whichever process ran them.")
final class LogCommand implements Callable<Integer> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    private static final Set<BatchStatus> RUNNING = Set.of(BatchStatus.STARTING, BatchStatus.STARTED, BatchStatus.STOPPING);
    private static final int PAGE = 1_000;

    @ParentCommand
    FerryCommand ferry;

    @Parameters(index = "0", paramLabel = "EXECUTION_ID", description = "The execution (see ferry executions).")
    long executionId;

    @Option(names = "--step", paramLabel = "STEP", description = "Only this step's lines.")
    String step;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new lines until the execution ends.")
    boolean follow;

    @Override
    public Integer call() throws Exception {
        try (StandaloneRuntime runtime = ferry.runtime()) {
            ZoneId zone = runtime.timezone();
            long after = 0;
            boolean ended = !running(runtime);
            while (true) {
                List<StepLogs.Line> lines = runtime.stepLogs().lines(executionId, Optional.ofNullable(step), after, PAGE);
                for (StepLogs.Line line : lines) {
                    System.out.printf("%s %-5s %s: %s%n", TIME.format(line.at().atZone(zone)), line.level(), line.step(), line.message());
                    after = line.id();
                }
                if (lines.size() == PAGE) {
                    continue;
                }
                if (!follow || ended) {
                    break;
                }
                Thread.sleep(1_000);
                ended = !running(runtime); // read once more after the end: its last lines are written before its status
            }
            if (after == 0) {
                System.err.printf("execution %d has no log lines%s%n", executionId, step == null ? "" : " of step " + step);
            }
            return 0;
        }
    }

    private boolean running(StandaloneRuntime runtime) {
        try {
            return RUNNING.contains(runtime.operator().getJobExecution(executionId).getBatchStatus());
        } catch (NoSuchJobExecutionException e) {
            throw new IllegalArgumentException("there is no execution " + executionId + " in the job repository; list them with: ferry executions");
        }
    }
}
