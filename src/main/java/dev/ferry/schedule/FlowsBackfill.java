package dev.ferry.schedule;

import dev.ferry.variables.BusinessDate;
import dev.ferry.variables.Variables;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A backfill of several flows that wait for each other ({@code ferry.flow.FLOW.after}): each date's upstreams run
 * before its downstreams, and whatever the graph allows runs at once, at most {@code parallel} runs in all (a date's
 * downstream starts as soon as its upstreams completed that date, not after the upstreams' whole range). A date whose
 * upstream did not complete is not started for the flows below it; the other dates go on as {@code continueOnFailure}
 * says.
 */
public final class FlowsBackfill {

    /** What happened to one flow's date. */
    public record FlowOutcome(String flow, Backfill.Outcome outcome) {
    }

    private record Task(String flow, BusinessDate date) {
    }

    private final Backfill backfill;

    public FlowsBackfill(Backfill backfill) {
        this.backfill = backfill;
    }

    /**
     * Checks every flow and the range first (nothing starts when one is wrong), then runs the dates.
     *
     * @param upstreamsOf each flow's {@code after} list; only the flows of this backfill order it, the others must have
     *                    completed the dates already
     * @throws IllegalArgumentException when the flows wait for each other in a cycle
     */
    public List<FlowOutcome> run(List<String> flows, Backfill.Request range, Function<String, List<String>> upstreamsOf,
                                 BiConsumer<String, Backfill.Outcome> onEach) throws InterruptedException {
        Map<String, String> resolved = new LinkedHashMap<>();
        for (String flow : new LinkedHashSet<>(flows)) {
            Map<String, String> checked = new TreeMap<>(range.parameters());
            checked.put(Variables.MYDATE, range.from().toString());
            String name = backfill.control.check(flow, checked);
            backfill.control.checkDate(name, range.to(), range.allowFuture());
            resolved.put(flow, name);
        }
        List<String> order = upstreamsFirst(resolved.keySet(), upstreamsOf);
        Map<String, List<String>> inside = new HashMap<>();
        for (String flow : order) {
            inside.put(flow, upstreamsOf.apply(flow).stream().filter(resolved::containsKey).toList());
        }
        List<Task> pending = new ArrayList<>();
        for (BusinessDate date : range.dates()) {
            for (String flow : order) {
                pending.add(new Task(flow, date));
            }
        }
        Map<Task, Backfill.Outcome> ended = new HashMap<>();
        boolean failed = false;
        int running = 0;
        ExecutorService pool = Executors.newFixedThreadPool(range.parallel());
        CompletionService<Map.Entry<Task, Backfill.Outcome>> runs = new ExecutorCompletionService<>(pool);
        try {
            while (!pending.isEmpty() || running > 0) {
                for (var it = pending.iterator(); it.hasNext() && running < range.parallel(); ) {
                    Task task = it.next();
                    List<String> upstreams = inside.get(task.flow());
                    if (upstreams.stream().anyMatch(u -> !ended.containsKey(new Task(u, task.date())))) {
                        continue; // an upstream of the date has not ended yet
                    }
                    String missing = upstreams.stream().filter(u -> !ended.get(new Task(u, task.date())).ok()).findFirst().orElse(null);
                    if (missing != null || (failed && !range.continueOnFailure())) {
                        it.remove();
                        Backfill.Outcome outcome = new Backfill.Outcome(task.date(), missing != null
                                ? "not started: " + missing + " did not complete " + task.date() : "not started: an earlier run failed",
                                null, null, Duration.ZERO);
                        ended.put(task, outcome);
                        onEach.accept(task.flow(), outcome);
                        continue;
                    }
                    it.remove();
                    running++;
                    Backfill.Request request = range.of(task.flow());
                    runs.submit(() -> Map.entry(task, backfill.runDate(request, resolved.get(task.flow()), task.date())));
                }
                if (running == 0) {
                    continue; // what was left became "not started" this round
                }
                Map.Entry<Task, Backfill.Outcome> done;
                try {
                    done = runs.take().get();
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
                }
                running--;
                ended.put(done.getKey(), done.getValue());
                if (!done.getValue().ok() && done.getValue().executionId() != null) {
                    failed = true;
                }
                onEach.accept(done.getKey().flow(), done.getValue());
            }
        } finally {
            pool.shutdownNow();
        }
        List<FlowOutcome> outcomes = new ArrayList<>();
        for (BusinessDate date : range.dates()) {
            for (String flow : order) {
                outcomes.add(new FlowOutcome(flow, ended.get(new Task(flow, date))));
            }
        }
        return outcomes;
    }

    /** The flows, each after the ones of them it waits for. */
    static List<String> upstreamsFirst(Set<String> flows, Function<String, List<String>> upstreamsOf) {
        List<String> order = new ArrayList<>();
        Set<String> visiting = new LinkedHashSet<>();
        for (String flow : flows) {
            visit(flow, flows, upstreamsOf, visiting, order);
        }
        return order;
    }

    private static void visit(String flow, Set<String> flows, Function<String, List<String>> upstreamsOf, Set<String> visiting,
                              List<String> order) {
        if (order.contains(flow)) {
            return;
        }
        if (!visiting.add(flow)) {
            throw new IllegalArgumentException("flows " + String.join(" -> ", visiting) + " -> " + flow + " wait for each other;"
                    + " fix their ferry.flow.FLOW.after");
        }
        for (String upstream : upstreamsOf.apply(flow)) {
            if (flows.contains(upstream)) {
                visit(upstream, flows, upstreamsOf, visiting, order);
            }
        }
        visiting.remove(flow);
        order.add(flow);
    }
}
