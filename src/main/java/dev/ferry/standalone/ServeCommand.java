package dev.ferry.standalone;

import dev.ferry.schedule.Schedule;
import dev.ferry.schedule.Scheduler;
import dev.ferry.variables.BusinessDate;
import jakarta.batch.runtime.BatchStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code ferry serve}: the standalone scheduler. It starts each configured flow on its schedule (the same
 * {@code ferry.flow.FLOW.*} keys as the WAR's timers), applies each flow's misfire policy to what it
 * missed while it was not running, and claims every (flow, date) so that several schedulers side by side
 * start each date once.
 */
@Command(name = "serve", description = "Runs the flows on their schedules (ferry.flow.FLOW.schedule) until stopped, and serves the admin console"
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
            Map<String, Schedule> schedules = Schedule.fromConfig(runtime.config());
            HashedAccounts accounts = HashedAccounts.from(runtime.config());
            boolean console = !once && !accounts.isEmpty();
            if (schedules.isEmpty() && !console) {
                String schedule = "set ferry.flow.FLOW.schedule, e.g. ferry.flow.rds-to-adb.schedule=30 2 * * *";
                throw new IllegalArgumentException(once ? "no flow has a schedule: " + schedule
                        : "no flow has a schedule and the console has no user: " + schedule
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

    private int schedule(StandaloneRuntime runtime, Map<String, Schedule> schedules) throws Exception {
        String owner = runtime.owner("serve");
        Clock clock = Clock.system(runtime.timezone());
        Scheduler scheduler = new Scheduler(schedules.values(), runtime.watermarks(),
                (schedule, mydate, missed) -> launch(runtime, schedule, mydate, missed, owner), clock, GRACE);
        for (Schedule s : schedules.values()) {
            System.out.printf("serving %s: '%s' (%s, misfire %s), next %s%n", s.flow(), s.cron(), s.zone(), s.misfire(),
                    ScheduleCommand.TIME.format(s.nextFireAfter(ZonedDateTime.now(clock))));
        }
        List<Long> started = new ArrayList<>();
        while (!Thread.currentThread().isInterrupted()) {
            for (Scheduler.Fired fired : scheduler.tick()) {
                report(runtime, fired);
                fired.executionId().ifPresent(started::add);
            }
            if (once) {
                return awaitAll(runtime, started);
            }
            long untilNext = scheduler.nextFire().map(next -> Duration.between(clock.instant(), next.toInstant()).toMillis()).orElse(60_000L);
            Thread.sleep(Math.max(0, Math.min(untilNext, 60_000)));
        }
        return 0;
    }

    /**
     * Starts a run. A caught-up (missed) date is awaited — the run this process started, or the one another
     * scheduler claimed — so that missed dates run in order, oldest first, however many schedulers there are.
     */
    private static OptionalLong launch(StandaloneRuntime runtime, Schedule schedule, BusinessDate mydate,
                                                 boolean missed, String owner) {
        OptionalLong id = runtime.startOnce(schedule.flow(), mydate, new Properties(), owner, false);
        if (missed) {
            try {
                OptionalLong running = id.isPresent() ? id : runtime.claimedExecution(schedule.flow(), mydate, Duration.ofMinutes(1));
                if (running.isPresent()) {
                    runtime.await(running.getAsLong());
                } else {
                    System.out.printf("%s mydate %s: claimed by %s but never started; run it with ferry run --force%n",
                            schedule.flow(), mydate, runtime.claimHolder(schedule.flow(), mydate));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return id;
    }

    private static void report(StandaloneRuntime runtime, Scheduler.Fired fired) {
        String when = ScheduleCommand.TIME.format(fired.fireTime()) + (fired.missed() ? " (missed)" : "");
        if (fired.executionId().isPresent()) {
            System.out.printf("%s %s mydate %s: started execution %d%n", when, fired.flow(), fired.mydate(), fired.executionId().getAsLong());
        } else {
            System.out.printf("%s %s mydate %s: skipped, already claimed by %s%n", when, fired.flow(), fired.mydate(),
                    runtime.claimHolder(fired.flow(), fired.mydate()));
        }
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
