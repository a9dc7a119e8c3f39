package dev.ferry.standalone;

import dev.ferry.dependency.WaitTimeout;
import dev.ferry.flow.FlowRefusedException;
import dev.ferry.flow.FlowStep;
import dev.ferry.flow.TryRun;
import dev.ferry.run.RunControl;
import dev.ferry.variables.BusinessDate;
import dev.ferry.variables.Variables;
import dev.ferry.warehouse.Warehouses;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "run", mixinStandardHelpOptions = true, description = "Runs a flow for one business date and waits for it to end.")
final class RunCommand implements Callable<Integer> {

    @ParentCommand
    FerryCommand ferry;

    @Parameters(index = "0", paramLabel = "FLOW",
            description = "A flow: FLOW.xml in the flows folder (ferry.flows.dir) or META-INF/batch-jobs/ on the class path, or a path to a job XML file.")
    String flow;

    @Option(names = {"-d", "--date"}, paramLabel = "yyyyMMdd",
            description = "The business date (job parameter mydate). Default: yesterday in ferry.timezone (T+1).")
    String date;

    @Option(names = {"-p", "--param"}, paramLabel = "KEY=VALUE", description = "Another job parameter; repeatable.")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--force", description = "Run even when this flow already ran (or runs) for this date; recorded as forced.")
    boolean force;

    @Option(names = "--allow-future", description = "Run a date later than the flow's T+1 date (its day is not over yet).")
    boolean allowFuture;

    @Option(names = "--wait", description = "When the flow runs after others (ferry.flow.FLOW.after) that have not completed the date"
            + " yet, wait for them (at most ferry.flow.FLOW.wait-timeout minutes, default 360) instead of refusing.")
    boolean waitForUpstreams;

    @Override
    public Integer call() throws Exception {
        try (StandaloneRuntime runtime = ferry.runtime()) {
            Map<String, String> parameters = parameters(runtime);
            BusinessDate mydate = BusinessDate.parse(parameters.remove(Variables.MYDATE));
            checkBeforeStart(runtime, parameters, mydate);
            RunControl.StartRequest request = new RunControl.StartRequest(flow, mydate, parameters, runtime.owner("cli"), force, allowFuture);
            RunControl.Start start = runtime.control().startOnce(request);
            if (start instanceof RunControl.Waiting waiting) {
                if (!waitForUpstreams) {
                    throw new IllegalArgumentException(waiting + ": run those first, or give --wait to start when they have");
                }
                start = awaitUpstreams(runtime, request, waiting);
            }
            if (start instanceof RunControl.AlreadyClaimed taken) {
                throw new IllegalArgumentException("flow " + flow + " has run for mydate " + mydate + " already: claimed by "
                        + taken.claim() + ". Restart a failed execution with ferry restart ID,"
                        + " or run it again on purpose with --force");
            }
            return new RunReporter(runtime, System.out).follow(((RunControl.Started) start).executionId());
        }
    }

    /** Starts the run once its upstreams have completed its date, trying every 5 s; fails after the flow's wait-timeout. */
    private static RunControl.Start awaitUpstreams(StandaloneRuntime runtime, RunControl.StartRequest request, RunControl.Waiting waiting)
            throws InterruptedException {
        java.time.Instant since = java.time.Instant.now();
        WaitTimeout.GiveUp giveUp = WaitTimeout.of(runtime.config(), waiting.flow(), request.mydate(), since);
        System.out.println(waiting + "; waiting, " + giveUp.told());
        RunControl.Start start = waiting;
        while (start instanceof RunControl.Waiting still) {
            if (java.time.Instant.now().isAfter(giveUp.at())) {
                throw new IllegalStateException(still + " after waiting since " + since + ", " + giveUp.told() + ": nothing was started");
            }
            Thread.sleep(5_000);
            start = runtime.control().startOnce(request);
        }
        return start;
    }

    /**
     * Before anything starts: every database the flow uses answers, and each load's target takes its extract's
     * columns; a problem refuses the run, so a wrong port or a wrong table does not fail it after the extract ran.
     */
    private void checkBeforeStart(StandaloneRuntime runtime, Map<String, String> parameters, BusinessDate mydate) throws Exception {
        Optional<byte[]> xml = runtime.flows().read(runtime.flows().resolvable(flow));
        if (xml.isEmpty()) {
            return; // the start says the flow is not there
        }
        Map<String, String> all = new LinkedHashMap<>(parameters);
        all.put(Variables.MYDATE, mydate.toString());
        List<FlowStep> steps;
        try {
            steps = FlowStep.parse(xml.get());
        } catch (Exception e) {
            return; // not a flow that parses: the start's validation names the line
        }
        List<String> problems = new TryRun(runtime.databases(), runtime.store(), runtime.flows().loader(), new Warehouses(runtime.config())).beforeRun(steps, Variables.of(all));
        if (!problems.isEmpty()) {
            throw new FlowRefusedException(flow, problems);
        }
    }

    private Map<String, String> parameters(StandaloneRuntime runtime) {
        if (date != null && params.containsKey(Variables.MYDATE)) {
            throw new IllegalArgumentException("give the business date once: --date or -p mydate=, not both");
        }
        Map<String, String> parameters = new LinkedHashMap<>(params);
        if (!parameters.containsKey(Variables.MYDATE)) {
            BusinessDate mydate = date != null
                    ? BusinessDate.parse(date)
                    : BusinessDate.forRunAt(ZonedDateTime.now(runtime.timezone()), runtime.timezone());
            parameters.put(Variables.MYDATE, mydate.toString());
        }
        Variables.of(parameters); // a bad date fails here, before any job starts
        return parameters;
    }
}
