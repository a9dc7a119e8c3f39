package dev.ferry.server;

import dev.ferry.dependency.WaitingDates;
import dev.ferry.flow.FlowDefinitions;
import dev.ferry.history.JBeretTables;
import dev.ferry.notify.Deadlines;
import dev.ferry.notify.Notices;
import dev.ferry.recovery.ExecutionOwners;
import dev.ferry.recovery.Node;
import dev.ferry.recovery.OrphanRestarts;
import dev.ferry.run.RunControl;
import dev.ferry.run.ScheduledStarts;
import dev.ferry.schedule.Pauses;
import dev.ferry.schedule.Schedule;
import dev.ferry.schedule.Scheduler;
import dev.ferry.schedule.Watermarks;
import dev.ferry.steplog.StepLogs;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Starts flows on their schedules in the server with the scheduler {@code ferry serve} uses: each servable
 * {@code ferry.flow.FLOW.schedule} gets a thread of the server's managed thread factory running {@link Scheduler#serve}
 * from the flow's watermark in the repository, so one cron expression means the same fire times, catch-up and
 * misfire handling in both runtimes. Every node runs the same loops; each fire time claims (flow, business date)
 * before it starts the flow, so with two nodes a date runs once, and the watermarks they share say what was handled.
 * No timer is kept per schedule (persistent calendar timers of earlier versions are cancelled at deployment); a
 * non-persistent interval timer per node beats the heartbeat. At deployment it also recovers the runs a previous
 * server left running when it died.
 */
@Singleton
@Startup
@Lock(LockType.READ) // the heartbeat must never wait behind another call
// A claim must be seen by other nodes when it is taken: the scheduling threads run outside any transaction.
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class FlowTimers {

    private static final Logger LOG = Logger.getLogger(FlowTimers.class.getName());
    static final String DEFAULT_REPOSITORY_JNDI = "java:jboss/datasources/FerryRepository";

    @Resource
    TimerService timerService;

    @Resource(lookup = "java:comp/DefaultManagedThreadFactory")
    ManagedThreadFactory threads;

    private static final String HEARTBEAT = "ferry-heartbeat";
    private static final String SERVE = "ferry-serve";
    /** Fire times older than this when handled count as missed, as in ferry serve. */
    private static final Duration GRACE = Duration.ofMinutes(1);

    private Watermarks watermarks;
    private Pauses pauses;
    private WaitingDates waiting;
    @Inject
    ExecutionOwners owners;
    @Inject
    Notices notices;
    @Inject
    StepLogs stepLogs;
    @Inject
    RunControl control;
    @Inject
    FlowDefinitions flows;
    private String owner;
    private Node node;
    private final List<Thread> serving = new CopyOnWriteArrayList<>();

    @PostConstruct
    void arm() {
        Config config = ConfigProvider.getConfig();
        DataSource repository = repository(config);
        watermarks = new Watermarks(repository);
        pauses = new Pauses(repository);
        waiting = new WaitingDates(repository);
        owner = "timer@" + hostName();
        // A server serves: it restarts dead peers' scheduled runs as long as it lives, as ferry serve does.
        node = new Node(repository, owners, BatchRuntime::getJobOperator, java.util.Optional.of(
                new OrphanRestarts(repository, config, "recovery@" + hostName(), id -> control.restart(id, "recovery@" + hostName(),
                        Map.of()))), Clock.systemUTC());
        try {
            node.join(); // and so recovers the runs this server left when it went down without finishing them
            waiting.createTableIfAbsent();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set up Ferry's tables in " + repository + ": " + e.getMessage(), e);
        }
        for (Timer timer : timerService.getTimers()) {
            LOG.fine(() -> "cancelling timer " + timer.getInfo()); // this deployment's own, and calendar timers of earlier versions
            timer.cancel();
        }
        // This server watches the deadlines and sends notices, as ferry serve does; a date is noticed late once in the cluster.
        notices.startSending(threads, new Deadlines(Deadlines.fromConfig(config), new JBeretTables(repository), notices,
                Clock.systemUTC())::watch);
        stepLogs.start(threads);
        timerService.createIntervalTimer(Node.BEAT.toMillis(), Node.BEAT.toMillis(), new TimerConfig(HEARTBEAT, false));
        // The flows are known once the web module has started: the schedulers start on a timer of their own, not in deployment.
        timerService.createSingleActionTimer(1_000, new TimerConfig(SERVE, false));
    }

    @Timeout
    void fire(Timer timer) {
        if (HEARTBEAT.equals(timer.getInfo())) {
            node.beat();
        } else if (SERVE.equals(timer.getInfo())) {
            serve(servable(Schedule.fromConfig(ConfigProvider.getConfig(), flows.names())));
        }
    }

    /** One scheduling thread per flow, so that one flow's catch-up (missed dates one after the other) never delays another's run. */
    private void serve(Map<String, Schedule> schedules) {
        ScheduledStarts starts = new ScheduledStarts(control, owner, LOG::warning, waiting, ConfigProvider.getConfig(), Clock.systemUTC());
        for (Schedule schedule : schedules.values()) {
            Scheduler scheduler = new Scheduler(List.of(schedule), watermarks, pauses, starts, Clock.systemUTC(), GRACE);
            Thread thread = threads.newThread(() -> {
                try {
                    scheduler.serve(Scheduler.Sleeper.SYSTEM, fired -> report(starts, fired),
                            e -> LOG.warning(() -> "flow " + schedule.flow() + ": " + e.getMessage()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // undeployed
                }
            });
            thread.setName("ferry-schedule " + schedule.flow());
            serving.add(thread);
            thread.start();
            LOG.info(() -> "flow " + schedule.flow() + ": scheduled '" + schedule.cron() + "' (" + schedule.zone() + ", misfire "
                    + schedule.misfire() + "), next " + schedule.nextFireAfter(ZonedDateTime.now(schedule.zone())));
        }
    }

    private static void report(ScheduledStarts starts, Scheduler.Fired fired) {
        if (fired.executionId().isPresent()) {
            LOG.info(() -> "flow " + fired.flow() + ", mydate " + fired.mydate() + ": started execution " + fired.executionId().getAsLong()
                    + (fired.missed() ? " (missed fire time " + fired.fireTime() + ")" : ""));
        } else if (starts.claimed(fired.flow(), fired.mydate())) {
            LOG.info(() -> "flow " + fired.flow() + ", mydate " + fired.mydate() + ": skipped, already claimed by "
                    + starts.holder(fired.flow(), fired.mydate()));
        }
    }

    @PreDestroy
    void disarm() {
        for (Thread thread : serving) {
            thread.interrupt();
        }
        serving.clear();
    }

    /** The schedules whose flows can run; each one that cannot is logged and left out, the others are served. */
    private Map<String, Schedule> servable(Map<String, Schedule> configured) {
        Map<String, Schedule> servable = new TreeMap<>();
        for (Schedule schedule : configured.values()) {
            control.problem(schedule).ifPresentOrElse(
                    problem -> LOG.severe(() -> "flow " + schedule.flow() + " is NOT scheduled: " + problem),
                    () -> servable.put(schedule.flow(), schedule));
        }
        return servable;
    }

    static DataSource repository(Config config) {
        String jndi = config.getOptionalValue("ferry.repository.jndi", String.class).orElse(DEFAULT_REPOSITORY_JNDI);
        try {
            return (DataSource) new InitialContext().lookup(jndi);
        } catch (NamingException e) {
            throw new IllegalStateException("no datasource at " + jndi + " for the claim table; run server-config/wildfly/ferry.cli"
                    + " or set ferry.repository.jndi", e);
        }
    }

    static String hostName() {
        return Node.hostName();
    }
}
