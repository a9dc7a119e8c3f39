package dev.ferry.schedule;

import dev.ferry.run.RunControl;
import dev.ferry.step.StepScope;
import dev.ferry.variables.BusinessDate;
import dev.ferry.variables.Variables;
import jakarta.batch.runtime.BatchStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Runs a flow for a range of business dates, a few at a time. Each date is decided from its claim, so an
 * interrupted backfill started again goes on where it stopped: a completed date is skipped, a failed or
 * stopped one is restarted from the step that did not complete, a date never started is claimed and
 * started. {@code force} runs every date again, recorded as forced.
 */
public final class Backfill {

    public enum Order { ASC, DESC }

    /**
     * @param flow              a flow's name, or on the command line a path to its job XML file
     * @param steps             the steps to run (job parameter {@code ferry.steps}); empty for all
     * @param continueOnFailure keep starting dates after one failed; otherwise start no more
     * @param allowFuture       allow dates later than the flow's T+1 date
     */
    /** The most dates a backfill runs at once. */
    public static final int MAX_PARALLEL = 16;

    public record Request(String flow, BusinessDate from, BusinessDate to, int parallel, Order order,
                          boolean force, List<String> steps, boolean continueOnFailure, boolean allowFuture) {
        public Request {
            if (to.compareTo(from) < 0) {
                throw new IllegalArgumentException("--from " + from + " is after --to " + to);
            }
            if (parallel < 1 || parallel > MAX_PARALLEL) {
                throw new IllegalArgumentException("--parallel must be from 1 to " + MAX_PARALLEL + " (got " + parallel + "): each date"
                        + " running at once holds a batch thread and connections of every database its flow uses, so more only queue"
                        + " on the pools");
            }
            steps = List.copyOf(steps);
        }

        /** The same range and options for another flow. */
        public Request of(String otherFlow) {
            return new Request(otherFlow, from, to, parallel, order, force, steps, continueOnFailure, allowFuture);
        }

        List<BusinessDate> dates() {
            List<BusinessDate> dates = new ArrayList<>();
            for (BusinessDate d = from; d.compareTo(to) <= 0; d = new BusinessDate(d.date().plusDays(1))) {
                dates.add(d);
            }
            if (order == Order.DESC) {
                Collections.reverse(dates);
            }
            return dates;
        }

        Map<String, String> parameters() {
            return steps.isEmpty() ? Map.of() : Map.of(StepScope.STEPS, String.join(",", steps));
        }
    }

    /** What happened to one date: {@code started}, {@code restarted}, {@code skipped: ...}. */
    public record Outcome(BusinessDate mydate, String action, Long executionId, BatchStatus status, Duration took) {
        public boolean ok() {
            return status == BatchStatus.COMPLETED || action.startsWith("skipped: completed");
        }
    }

    final RunControl control;
    private final String startedBy;

    public Backfill(RunControl control, String startedBy) {
        this.control = control;
        this.startedBy = startedBy;
    }

    /**
     * Checks the flow, the steps and the range first (nothing starts when one is wrong), then runs the range;
     * calls {@code onEach} as each date ends; returns the outcomes in the order of the dates.
     *
     * @throws dev.ferry.run.FlowRefusedException when the flow does not validate or the range reaches past T+1
     */
    public List<Outcome> run(Request request, Consumer<Outcome> onEach) throws InterruptedException {
        Map<String, String> checked = new java.util.TreeMap<>(request.parameters());
        checked.put(Variables.MYDATE, request.from().toString());
        String flow = control.check(request.flow(), checked);
        control.checkDate(flow, request.to(), request.allowFuture());
        AtomicBoolean failed = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(request.parallel());
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (BusinessDate date : request.dates()) {
                futures.add(pool.submit(() -> {
                    Outcome outcome = failed.get() && !request.continueOnFailure()
                            ? new Outcome(date, "not started: an earlier date failed", null, null, Duration.ZERO)
                            : runDate(request, flow, date);
                    if (!outcome.ok() && outcome.executionId() != null) {
                        failed.set(true);
                    }
                    synchronized (onEach) {
                        onEach.accept(outcome);
                    }
                    return outcome;
                }));
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> future : futures) {
                try {
                    outcomes.add(future.get());
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
                }
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    /** One date of one flow: skipped when completed, restarted when it failed or stopped, else started; waits for its end. */
    Outcome runDate(Request request, String flow, BusinessDate date) throws InterruptedException {
        long started = System.nanoTime();
        Optional<Claims.Claim> claim = request.force() ? Optional.empty() : control.claim(flow, date);
        String action;
        long id;
        if (claim.isPresent()) {
            Long previous = claim.get().executionId();
            if (previous == null) {
                return new Outcome(date, "skipped: claimed by " + claim.get() + ", not started", null, null, Duration.ZERO);
            }
            BatchStatus status = control.operator().getJobExecution(previous).getBatchStatus();
            switch (status) {
                case COMPLETED:
                    return new Outcome(date, "skipped: completed", previous, status, Duration.ZERO);
                case FAILED, STOPPED:
                    id = control.restart(previous, startedBy, request.parameters());
                    action = "restarted " + previous;
                    break;
                default:
                    return new Outcome(date, "skipped: execution " + previous + " is " + status, previous, status, Duration.ZERO);
            }
        } else {
            RunControl.Start start = control.startOnce(new RunControl.StartRequest(request.flow(), date, request.parameters(), startedBy,
                    request.force(), request.allowFuture()));
            if (start instanceof RunControl.AlreadyClaimed taken) {
                return new Outcome(date, "skipped: claimed by " + taken.claim(), null, null, Duration.ZERO);
            }
            if (start instanceof RunControl.Waiting waiting) {
                return new Outcome(date, "not started: waits for " + String.join(", ", waiting.upstreams()) + " (run them first)", null,
                        null, Duration.ZERO);
            }
            id = ((RunControl.Started) start).executionId();
            action = request.force() ? "started (forced)" : "started";
        }
        BatchStatus status = control.await(id).getBatchStatus();
        return new Outcome(date, action, id, status, Duration.ofNanos(System.nanoTime() - started));
    }
}
