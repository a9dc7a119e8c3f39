package dev.ferry.standalone;

import dev.ferry.dependency.WaitingDates;
import dev.ferry.flow.FlowVersion;
import dev.ferry.run.RunControl;
import dev.ferry.step.StepReport;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.runtime.BatchStatus;
import jakarta.batch.runtime.JobExecution;
import jakarta.batch.runtime.StepExecution;
import java.sql.SQLException;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "executions", mixinStandardHelpOptions = true, description = "Lists executions from the job repository, newest first.")
final class ExecutionsCommand implements Callable<Integer> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @ParentCommand
    FerryCommand ferry;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FLOW", description = "Only this flow's executions.")
    String flow;

    @Option(names = "--limit", defaultValue = "20", description = "At most this many executions (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() throws SQLException {
        try (StandaloneRuntime runtime = ferry.runtime()) {
            JobOperator operator = runtime.operator();
            List<JobExecution> executions = new ArrayList<>();
            for (long id : runtime.latestExecutions(Optional.ofNullable(flow), limit)) {
                executions.add(operator.getJobExecution(id));
            }
            ZoneId zone = runtime.timezone();
            System.out.printf("%-6s %-20s %-9s %-10s %-19s %-19s %9s  %-12s %-32s %-36s %s%n",
                    "ID", "FLOW", "MYDATE", "STATUS", "START", "END", "DURATION", "VERSION", "STEPS", "STARTED BY", "OWNER");
            for (JobExecution e : executions) {
                List<StepExecution> steps = operator.getStepExecutions(e.getExecutionId());
                Properties parameters = operator.getParameters(e.getExecutionId());
                List<StepReport> reports = steps.stream().map(StepExecution::getPersistentUserData)
                        .filter(StepReport.class::isInstance).map(StepReport.class::cast).toList();
                String status = e.getBatchStatus() == BatchStatus.COMPLETED && StepReport.emptyRun(reports) ? "EMPTY" : e.getBatchStatus().name();
                System.out.printf(Locale.ROOT, "%-6d %-20s %-9s %-10s %-19s %-19s %9s  %-12s %-32s %-36s %s%n", e.getExecutionId(), e.getJobName(),
                        parameters.getProperty("mydate", "-"), status,
                        time(e.getStartTime(), zone), time(e.getEndTime(), zone),
                        RunReporter.duration(e.getStartTime(), e.getEndTime()),
                        parameters.getProperty(FlowVersion.PARAMETER, "-"),
                        steps.stream().map(s -> s.getStepName() + ":" + s.getBatchStatus()).collect(Collectors.joining(" ")),
                        parameters.getProperty(RunControl.STARTED_BY, "outside Ferry")
                                + (Boolean.parseBoolean(parameters.getProperty(RunControl.FORCED)) ? " (forced)" : ""),
                        runtime.ownerOf(e.getExecutionId()));
                for (StepExecution step : steps) {
                    String exit = step.getExitStatus();
                    if (exit != null && exit.startsWith("FAILED: ")) {
                        System.out.println("       " + step.getStepName() + ": " + exit.substring("FAILED: ".length()));
                    }
                }
            }
            // Dates that wait for their upstreams have no execution yet; they are the night's too.
            for (WaitingDates.Waiting w : runtime.waitingDates().of(flow)) {
                System.out.printf(Locale.ROOT, "%-6s %-20s %-9s %-10s since %s, for %s (ferry.flow.%s.after)%n", "-", w.flow(), w.mydate(),
                        "WAITING", TIME.format(w.since().atZone(zone)), w.upstreams(), w.flow());
            }
            return 0;
        }
    }

    private static String time(Date date, ZoneId zone) {
        return date == null ? "-" : TIME.format(date.toInstant().atZone(zone));
    }
}
