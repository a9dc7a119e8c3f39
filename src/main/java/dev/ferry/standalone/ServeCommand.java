package dev.ferry.standalone;

import dev.ferry.run.RunControl;
import dev.ferry.run.ScheduledStarts;
import dev.ferry.schedule.Pauses;
import dev.ferry.schedule.Schedule;
import dev.ferry.schedule.Scheduler;
import dev.ferry.variables.BusinessDate;
import jakarta.batch.runtime.BatchStatus;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ferry serve}: the standalone scheduler. It starts each configured flow on its schedule (the same
 * {@code ferry.flow.FLOW.*} keys as the WAR's timers), applies each flow's misfire policy to what it
 * missed while it was not running, and claims every (flow, date) so that several schedulers side by side
 * start each date once.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Runs the flows on their schedules (ferry.flow.FLOW.schedule) until stopped, and serves the admin console"
        + " to the users of ferry.console.user.*.")
final class ServeCommand implements Callable<Integer> {

    /** Fire times older than this when handled count as missed and follow the misfire policy. */
    static final Duration GRACE = Duration.ofMinutes(1);

    @ParentCommand
    FerryCommand ferry;

    @Option(names = "--once", description = "Start what is due or was missed, wait for those runs to end, and exit.")
    boolean once;

    @Override
    public Integer call() throws Exception {
        try (StandaloneRuntime runtime = ferry.runtime()) {
            Map<String, Schedule> configured = Schedule.fromConfig(runtime.config(), runtime.flows().names());
            Map<String, Schedule> schedules = servable(runtime, configured);
            HashedAccounts accounts = HashedAccounts.from(runtime.config());
            boolean console = !once && !accounts.isEmpty();
            if (schedules.isEmpty() && !console) {
                String schedule = "set ferry.flow.FLOW.schedule, e.g. ferry.flow.rds-to-adb.schedule=30 2 * * *";
                String none = configured.isEmpty() ? "no flow has a schedule" : "no scheduled flow can run (see above)";
                throw new IllegalArgumentException(once ? none + ": " + schedule
                        : none + " and the console has no user: " + schedule
                          + ", or a console user (ferry.console.user.NAME.password-hash)");
            }
            try (ConsoleServer server = console ? ConsoleServer.start(runtime, accounts) : null) {
                if (server != null) {
                    System.out.println("console at " + server.uri());
                } else if (!once) {
                    System.out.println("console off: no user is configured (ferry.console.user.NAME.password-hash, from ferry hash-password)");
                }
                return schedule(runtime, schedules);
            }
        }
    }

    /** The schedules whose flows can run; each one that cannot is reported and left out, the others go on. */
    private static Map<String, Schedule> servable(StandaloneRuntime runtime, Map<String, Schedule> configured) {
        Map<String, Schedule> servable = new TreeMap<>();
        for (Schedule schedule : configured.values()) {
            runtime.control().problem(schedule).ifPresentOrElse(
                    problem -> System.out.printf("NOT serving %s: %s%n", schedule.flow(), problem),
                    () -> servable.put(schedule.flow(), schedule));
        }
        return servable;
    }

    /**
     * Each flow is scheduled on a thread of its own, so that one flow's catch-up (missed dates run one after
     * the other) never delays another flow's run.
     */
    private int schedule(StandaloneRuntime runtime, Map<String, Schedule> schedules) throws Exception {
        String owner = runtime.owner("serve");
        Clock clock = Clock.system(runtime.timezone());
        Map<String, Pauses.Pause> paused = runtime.pauses().all();
        for (Schedule s : schedules.values()) {
            System.out.printf("serving %s: '%s' (%s, misfire %s), next %s%s%n", s.flow(), s.cron(), s.zone(), s.misfire(),
                    ScheduleCommand.TIME.format(s.nextFireAfter(ZonedDateTime.now(clock))), paused.containsKey(s.flow())
                            ? "; PAUSED, " + paused.get(s.flow()) + ": starts nothing until ferry resume " + s.flow() : "");
        }
        ExecutorService flows = Executors.newFixedThreadPool(Math.max(1, schedules.size()), r -> {
            Thread thread = new Thread(r, "ferry-serve-flow");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<List<Long>>> served = new ArrayList<>();
            for (Schedule schedule : schedules.values()) {
                served.add(flows.submit(() -> serve(runtime, schedule, owner, clock)));
            }
            List<Long> started = new ArrayList<>();
            for (Future<List<Long>> flow : served) {
                started.addAll(flow.get());
            }
            if (once) {
                return awaitAll(runtime, started);
            }
            // Nothing scheduled: the console alone keeps serving until the process is stopped.
            new CountDownLatch(1).await();
            return 0;
        } finally {
            flows.shutdownNow();
        }
    }

    /** Serves one flow until interrupted (or, with --once, what is due now); returns the executions it started. */
    private List<Long> serve(StandaloneRuntime runtime, Schedule schedule, String owner, Clock clock) throws InterruptedException {
        ScheduledStarts starts = new ScheduledStarts(runtime.control(), owner, line -> System.out.println(line), runtime.waitingDates(),
                runtime.config(), clock);
        Scheduler scheduler = new Scheduler(List.of(schedule), runtime.watermarks(), runtime.pauses(), starts, clock, GRACE);
        List<Long> started = new ArrayList<>();
        Consumer<Scheduler.Fired> onFired = fired -> {
            report(starts, fired);
            fired.executionId().ifPresent(started::add);
        };
        // Nothing one flow does stops the scheduler: say so, and try again at the next tick.
        Consumer<Exception> onFailure = e -> System.out.printf("%s: %s%n", schedule.flow(), e.getMessage());
        if (once) {
            try {
                scheduler.tick().forEach(onFired);
            } catch (SQLException | RuntimeException e) {
                onFailure.accept(e);
            }
        } else {
            scheduler.serve(Scheduler.Sleeper.SYSTEM, onFired, onFailure);
        }
        return started;
    }

    private static void report(ScheduledStarts starts, Scheduler.Fired fired) {
        String when = ScheduleCommand.TIME.format(fired.fireTime()) + (fired.missed() ? " (missed)" : "");
        if (fired.executionId().isPresent()) {
            System.out.printf("%s %s mydate %s: started execution %d%n", when, fired.flow(), fired.mydate(), fired.executionId().getAsLong());
        } else if (starts.claimed(fired.flow(), fired.mydate())) {
            System.out.printf("%s %s mydate %s: skipped, already claimed by %s%n", when, fired.flow(), fired.mydate(),
                    starts.holder(fired.flow(), fired.mydate()));
        } // else not started, and the launcher said why (waiting for its upstreams, refused)
    }

    private static int awaitAll(StandaloneRuntime runtime, List<Long> started) throws InterruptedException {
        int code = 0;
        for (long id : started) {
            var execution = runtime.await(id);
            System.out.printf("execution %d (%s, mydate %s): %s%n", id, execution.getJobName(),
                    runtime.operator().getParameters(id).getProperty("mydate"), execution.getBatchStatus());
            if (execution.getBatchStatus() != BatchStatus.COMPLETED) {
                code = 1;
            }
        }
        return code;
    }
}
