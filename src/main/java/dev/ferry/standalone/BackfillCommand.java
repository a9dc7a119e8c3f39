package dev.ferry.standalone;

import dev.ferry.dependency.Dependencies;
import dev.ferry.schedule.Backfill;
import dev.ferry.schedule.FlowsBackfill;
import dev.ferry.variables.BusinessDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "backfill", mixinStandardHelpOptions = true, description = "Runs a flow for each business date of a range; started again, it goes on where it stopped.")
final class BackfillCommand implements Callable<Integer> {

    @ParentCommand
    FerryCommand ferry;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FLOW", description = "A job name or a path to a job XML file.")
    String flow;

    @Option(names = "--flows", split = ",", paramLabel = "FLOW",
            description = "Several flows, each date's upstreams (ferry.flow.FLOW.after) before its downstreams, at once where they can.")
    List<String> flows = new ArrayList<>();

    @Option(names = "--from", required = true, paramLabel = "yyyyMMdd", description = "First business date.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "yyyyMMdd", description = "Last business date (inclusive).")
    String to;

    @Option(names = "--parallel", defaultValue = "1", paramLabel = "N", description = "Dates run at once (default ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--order", defaultValue = "asc", paramLabel = "asc|desc", description = "Oldest first (default) or newest first.")
    String order;

    @Option(names = "--force", description = "Run dates that completed (or were claimed) already again; recorded as forced.")
    boolean force;

    @Option(names = "--steps", split = ",", paramLabel = "STEP", description = "Run only these steps, e.g. load to reload the staged files.")
    List<String> steps = new ArrayList<>();

    @Option(names = "--continue-on-failure", description = "Keep starting dates after one failed (default: start no more).")
    boolean continueOnFailure;

    @Option(names = "--allow-future", description = "Allow dates later than the flow's T+1 date (their day is not over yet).")
    boolean allowFuture;

    @Override
    public Integer call() throws Exception {
        Backfill.Order direction = switch (order.toLowerCase(Locale.ROOT)) {
            case "asc" -> Backfill.Order.ASC;
            case "desc" -> Backfill.Order.DESC;
            default -> throw new IllegalArgumentException("--order '" + order + "' is not asc or desc");
        };
        BusinessDate first = BusinessDate.parse(from);
        BusinessDate last = BusinessDate.parse(to);
        if ((flow == null) == flows.isEmpty()) {
            throw new IllegalArgumentException("give one FLOW, or --flows FLOW,FLOW,... (not both)");
        }
        try (StandaloneRuntime runtime = ferry.runtime()) {
            Backfill.Request named = new Backfill.Request(flow == null ? flows.get(0) : flow, first, last, parallel, direction, force, steps,
                    continueOnFailure, allowFuture);
            if (!flows.isEmpty()) {
                return backfillFlows(runtime, named);
            }
            System.out.printf("%-9s %-44s %-9s %-10s %s%n", "MYDATE", "ACTION", "EXECUTION", "STATUS", "TIME");
            List<Backfill.Outcome> outcomes = new Backfill(runtime.control(), runtime.owner("backfill"))
                    .run(named, o -> System.out.printf(Locale.ROOT, "%-9s %-44s %-9s %-10s %.1f s%n", o.mydate(), o.action(),
                            o.executionId() == null ? "-" : o.executionId(), o.status() == null ? "-" : o.status(),
                            o.took().toMillis() / 1000.0));
            long ok = outcomes.stream().filter(Backfill.Outcome::ok).count();
            System.out.printf("backfill %s %s..%s: %d of %d date(s) done%n", named.flow(), from, to, ok, outcomes.size());
            return ok == outcomes.size() ? 0 : 1;
        }
    }

    private int backfillFlows(StandaloneRuntime runtime, Backfill.Request range) throws InterruptedException {
        Dependencies dependencies = Dependencies.from(runtime.config(), runtime.flows().names());
        System.out.printf("%-9s %-20s %-44s %-9s %-10s %s%n", "MYDATE", "FLOW", "ACTION", "EXECUTION", "STATUS", "TIME");
        List<FlowsBackfill.FlowOutcome> outcomes = new FlowsBackfill(new Backfill(runtime.control(), runtime.owner("backfill")))
                .run(flows, range, dependencies::upstreamsOf, (f, o) -> System.out.printf(Locale.ROOT, "%-9s %-20s %-44s %-9s %-10s %.1f s%n",
                        o.mydate(), f, o.action(), o.executionId() == null ? "-" : o.executionId(), o.status() == null ? "-" : o.status(),
                        o.took().toMillis() / 1000.0));
        long ok = outcomes.stream().filter(o -> o.outcome().ok()).count();
        System.out.printf("backfill %s %s..%s: %d of %d run(s) done%n", String.join(",", flows), from, to, ok, outcomes.size());
        return ok == outcomes.size() ? 0 : 1;
    }
}
