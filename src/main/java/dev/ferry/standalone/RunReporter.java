package dev.ferry.standalone;

import dev.ferry.step.StepReport;
import dev.ferry.variables.BusinessDate;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.runtime.BatchStatus;
import jakarta.batch.runtime.JobExecution;
import jakarta.batch.runtime.StepExecution;
import java.io.PrintStream;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Locale;
import java.util.Properties;

/**
 * Follows a run to its end and prints its summary, one line per step; progress while it runs comes from
 * the steps' own log lines. The exit code is 0 only for COMPLETED.
 */
final class RunReporter {

    private final StandaloneRuntime runtime;
    private final PrintStream out;

    RunReporter(StandaloneRuntime runtime, PrintStream out) {
        this.runtime = runtime;
        this.out = out;
    }

    int follow(long executionId) throws InterruptedException {
        JobOperator operator = runtime.operator();
        Properties parameters = operator.getParameters(executionId);
        out.printf("execution %d: flow %s, mydate %s started%n", executionId,
                operator.getJobExecution(executionId).getJobName(), parameters.getProperty("mydate", "-"));
        JobExecution execution = runtime.await(executionId);
        out.printf("execution %d: %s in %s%n", executionId, execution.getBatchStatus(),
                duration(execution.getStartTime(), execution.getEndTime()));
        for (StepExecution step : operator.getStepExecutions(executionId)) {
            out.println("  " + describe(step));
        }
        if (execution.getBatchStatus() != BatchStatus.COMPLETED) {
            out.println("  " + nextStep(execution, parameters));
        }
        return execution.getBatchStatus() == BatchStatus.COMPLETED ? 0 : 1;
    }

    /**
     * What will work after a run that did not complete: its restart, unless another execution holds its date
     * now (a forced run that won the race), whose restart would only be refused the same way again.
     */
    private String nextStep(JobExecution execution, Properties parameters) {
        String mydate = parameters.getProperty("mydate");
        long id = execution.getExecutionId();
        if (mydate != null) {
            var claim = runtime.control().claim(execution.getJobName(), BusinessDate.parse(mydate));
            if (claim.isPresent() && claim.get().executionId() != null && claim.get().executionId() != id
                    && runtime.operator().getJobInstance(claim.get().executionId()).getInstanceId()
                       != runtime.operator().getJobInstance(id).getInstanceId()) {
                return "mydate " + mydate + " is held by execution " + claim.get().executionId() + " (" + claim.get() + "), so a"
                        + " restart of " + id + " would be refused too: follow that one (ferry executions " + execution.getJobName()
                        + "), or run the date again on purpose: ferry run " + execution.getJobName() + " -d " + mydate + " --force";
            }
        }
        return "restart it with: ferry restart " + id;
    }

    /** {@code extract  COMPLETED  1,000 rows, 0.0 MB in 0.2 s (...)} or the failed step's reason. */
    static String describe(StepExecution step) {
        String detail;
        Serializable data = step.getPersistentUserData();
        if (step.getBatchStatus() == BatchStatus.COMPLETED && data instanceof StepReport report) {
            detail = report.summary();
        } else if (step.getExitStatus() != null && !step.getExitStatus().equals(step.getBatchStatus().name())) {
            detail = step.getExitStatus().replaceFirst("^FAILED: ", "");
        } else {
            detail = duration(step.getStartTime(), step.getEndTime());
        }
        return String.format(Locale.ROOT, "%-12s %-10s %s", step.getStepName(), step.getBatchStatus(), detail);
    }

    static String duration(Date start, Date end) {
        if (start == null) {
            return "-";
        }
        Duration d = Duration.between(start.toInstant(), end == null ? Instant.now() : end.toInstant());
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
