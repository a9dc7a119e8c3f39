package dev.ferry.schedule;

import dev.ferry.step.StepScope;
import dev.ferry.variables.BusinessDate;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.runtime.BatchStatus;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
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

    private static final Set<BatchStatus> ENDED = Set.of(BatchStatus.COMPLETED, BatchStatus.FAILED, BatchStatus.STOPPED,
            BatchStatus.ABANDONED);

    public enum Order { ASC, DESC }

    /**
     * @param steps             the steps to run (job parameter {@code ferry.steps}); empty for all
     * @param continueOnFailure keep starting dates after one failed; otherwise start no more
     */
    public record Request(String flow, String jobXmlName, BusinessDate from, BusinessDate to, int parallel, Order order,
                          boolean force, List<String> steps, boolean continueOnFailure) {
        public Request {
            if (to.compareTo(from) < 0) {
                throw new IllegalArgumentException("--from " + from + " is after --to " + to);
            }
            if (parallel < 1) {
                throw new IllegalArgumentException("--parallel must be at least 1");
            }
            steps = List.copyOf(steps);
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
    }

    /** What happened to one date: {@code started}, {@code restarted}, {@code skipped: ...}. */
    public record Outcome(BusinessDate mydate, String action, Long executionId, BatchStatus status, Duration took) {
        public boolean ok() {
            return status == BatchStatus.COMPLETED || action.startsWith("skipped: completed");
        }
    }

    private final JobOperator operator;
    private final Claims claims;
    private final String owner;

    public Backfill(JobOperator operator, Claims claims, String owner) {
        this.operator = operator;
        this.claims = claims;
        this.owner = owner;
    }

    /** Runs the range; calls {@code onEach} as each date ends; returns the outcomes in the order of the dates. */
    public List<Outcome> run(Request request, Consumer<Outcome> onEach) throws InterruptedException {
        AtomicBoolean failed = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(request.parallel());
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (BusinessDate date : request.dates()) {
                futures.add(pool.submit(() -> {
                    Outcome outcome = failed.get() && !request.continueOnFailure()
                            ? new Outcome(date, "not started: an earlier date failed", null, null, Duration.ZERO)
                            : runDate(request, date);
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

    private Outcome runDate(Request request, BusinessDate date) throws SQLException, InterruptedException {
        long started = System.nanoTime();
        Properties parameters = new Properties();
        if (!request.steps().isEmpty()) {
            parameters.setProperty(StepScope.STEPS, String.join(",", request.steps()));
        }
        Optional<Claims.Claim> claim = request.force() ? Optional.empty() : claims.find(request.flow(), date);
        String action;
        long id;
        if (claim.isPresent()) {
            Long previous = claim.get().executionId();
            if (previous == null) {
                return new Outcome(date, "skipped: claimed by " + claim.get() + ", not started", null, null, Duration.ZERO);
            }
            BatchStatus status = operator.getJobExecution(previous).getBatchStatus();
            switch (status) {
                case COMPLETED:
                    return new Outcome(date, "skipped: completed", previous, status, Duration.ZERO);
                case FAILED, STOPPED:
                    id = operator.restart(previous, parameters);
                    claims.attach(request.flow(), date, id);
                    action = "restarted " + previous;
                    break;
                default:
                    return new Outcome(date, "skipped: execution " + previous + " is " + status, previous, status, Duration.ZERO);
            }
        } else {
            OptionalLong startedId = claims.startOnce(operator, request.flow(), request.jobXmlName(), date, parameters, owner,
                    request.force());
            if (startedId.isEmpty()) {
                return new Outcome(date, "skipped: claimed by " + claims.holder(request.flow(), date).orElse("?"), null, null, Duration.ZERO);
            }
            id = startedId.getAsLong();
            action = request.force() ? "started (forced)" : "started";
        }
        BatchStatus status = await(id);
        return new Outcome(date, action, id, status, Duration.ofNanos(System.nanoTime() - started));
    }

    private BatchStatus await(long executionId) throws InterruptedException {
        while (true) {
            BatchStatus status = operator.getJobExecution(executionId).getBatchStatus();
            if (ENDED.contains(status)) {
                return status;
            }
            Thread.sleep(200);
        }
    }
}
