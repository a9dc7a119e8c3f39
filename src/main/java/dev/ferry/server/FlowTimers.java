package dev.ferry.server;

import dev.ferry.flow.FlowDefinitions;
import dev.ferry.recovery.ExecutionOwners;
import dev.ferry.recovery.Node;
import dev.ferry.recovery.OrphanRestarts;
import dev.ferry.run.RunControl;
import dev.ferry.schedule.Claims;
import dev.ferry.schedule.MisfirePolicy;
import dev.ferry.schedule.Schedule;
import dev.ferry.schedule.Scheduler;
import dev.ferry.schedule.Watermarks;
import dev.ferry.variables.BusinessDate;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.ScheduleExpression;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Collection;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Starts flows on their schedules in the server: one persistent calendar timer per
 * {@code ferry.flow.FLOW.schedule}, kept across restarts by the timer service's database store. Each
 * firing claims (flow, business date) before it starts the flow, so a timer that fires twice for a date
 * (after a restart, or on a second node) starts one run. At deployment it also recovers the runs a
 * previous server left running when it died, and keeps a heartbeat for the runs it starts.
 */
@Singleton
@Startup
@Lock(LockType.READ) // a catch-up awaiting its runs must not hold up heartbeats and other timers
// A claim must be seen by other nodes when it is taken, not when the timeout ends: a catch-up awaits its
// runs, and its transaction would hold every claim (and time out on long runs, dropping them).
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class FlowTimers {

    private static final Logger LOG = Logger.getLogger(FlowTimers.class.getName());
    static final String DEFAULT_REPOSITORY_JNDI = "java:jboss/datasources/FerryRepository";

    @Resource
    TimerService timerService;

    private static final String HEARTBEAT = "ferry-heartbeat";
    private static final String CATCH_UP = "ferry-catch-up";
    /** Fire times older than this when handled count as missed, as in ferry serve. */
    private static final Duration GRACE = Duration.ofMinutes(1);

    private Claims claims;
    private Watermarks watermarks;
    @Inject
    ExecutionOwners owners;
    @Inject
    RunControl control;
    @Inject
    FlowDefinitions flows;
    private String owner;
    private Node node;

    @PostConstruct
    void arm() {
        Config config = ConfigProvider.getConfig();
        DataSource repository = repository(config);
        claims = new Claims(repository);
        watermarks = new Watermarks(repository);
        owner = "timer@" + hostName();
        // A server serves: it restarts dead peers' scheduled runs as long as it lives, as ferry serve does.
        node = new Node(repository, owners, BatchRuntime::getJobOperator, Node.staleAfter(config), java.util.Optional.of(
                new OrphanRestarts(repository, config, "recovery@" + hostName(), id -> control.restart(id, "recovery@" + hostName(),
                        Map.of()))), java.time.Clock.systemUTC());
        try {
            node.join(); // and so recovers the runs this server left when it went down without finishing them
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set up Ferry's tables in " + repository + ": " + e.getMessage(), e);
        }
        for (Timer timer : timerService.getTimers()) {
            if (HEARTBEAT.equals(timer.getInfo()) || CATCH_UP.equals(timer.getInfo())) {
                timer.cancel();
            }
        }
        timerService.createIntervalTimer(Node.BEAT.toMillis(), Node.BEAT.toMillis(), new TimerConfig(HEARTBEAT, false));
        // The flows are known once the web module has started, and caught-up runs are awaited one by one: both
        // on a timer thread of their own, not in deployment.
        timerService.createSingleActionTimer(1_000, new TimerConfig(CATCH_UP, false));
    }

    /** One persistent calendar timer per schedule whose flow can run; the others are logged and left out. */
    private Map<String, Schedule> armSchedules() {
        Map<String, Schedule> servable = servable(Schedule.fromConfig(ConfigProvider.getConfig(), flows.names()));
        Map<String, Schedule> wanted = new TreeMap<>(servable);
        for (Timer timer : timerService.getTimers()) {
            if (HEARTBEAT.equals(timer.getInfo()) || CATCH_UP.equals(timer.getInfo())) {
                continue;
            }
            if (timer.getInfo() instanceof Schedule kept && kept.equals(wanted.get(kept.flow()))) {
                wanted.remove(kept.flow());
                LOG.info(() -> "flow " + kept.flow() + ": keeping its timer '" + kept.cron() + "' (" + kept.zone() + ")");
            } else {
                LOG.info(() -> "cancelling a timer no longer configured: " + timer.getInfo());
                timer.cancel();
            }
        }
        for (Schedule schedule : wanted.values()) {
            timerService.createCalendarTimer(expression(schedule), new TimerConfig(schedule, true));
            LOG.info(() -> "flow " + schedule.flow() + ": scheduled '" + schedule.cron() + "' (" + schedule.zone() + "), next "
                    + schedule.nextFireAfter(ZonedDateTime.now(schedule.zone())));
        }
        return servable;
    }

    @Timeout
    void fire(Timer timer) {
        if (HEARTBEAT.equals(timer.getInfo())) {
            node.beat();
            return;
        }
        if (CATCH_UP.equals(timer.getInfo())) {
            catchUp(armSchedules().values());
            return;
        }
        Schedule schedule = (Schedule) timer.getInfo();
        ZonedDateTime now = ZonedDateTime.now(schedule.zone());
        ZonedDateTime fired = schedule.lastFireAtOrBefore(now);
        // WildFly fires a persistent timer once for the fire times it missed while down; catchUp() has
        // applied the misfire policy to those already, so a late firing under "skip" starts nothing.
        boolean late = fired.plus(GRACE).isBefore(now);
        if (!(late && schedule.misfire() == MisfirePolicy.SKIP)) {
            startOnce(schedule.flow(), schedule.businessDateFor(fired));
        }
        try {
            watermarks.advance(schedule.flow(), now.toInstant());
        } catch (SQLException e) {
            LOG.warning(() -> "flow " + schedule.flow() + ": cannot record the handled fire time: " + e.getMessage());
        }
    }

    /**
     * Applies each flow's misfire policy to the fire times missed while no server ran it: the dates to run
     * start one after the other, oldest first, each awaited.
     */
    private void catchUp(Collection<Schedule> schedules) {
        Scheduler scheduler = new Scheduler(schedules, watermarks, (schedule, mydate, missed) -> {
            OptionalLong id = startOnce(schedule.flow(), mydate);
            if (missed && id.isPresent()) {
                await(id.getAsLong());
            }
            return id;
        }, Clock.systemUTC(), GRACE);
        try {
            scheduler.tick();
        } catch (SQLException e) {
            LOG.warning(() -> "cannot catch up missed fire times: " + e.getMessage());
        }
    }

    /** The schedules whose flows can run; each one that cannot is logged and left out, the others keep their timers. */
    private Map<String, Schedule> servable(Map<String, Schedule> configured) {
        Map<String, Schedule> servable = new TreeMap<>();
        for (Schedule schedule : configured.values()) {
            control.problem(schedule).ifPresentOrElse(
                    problem -> LOG.severe(() -> "flow " + schedule.flow() + " is NOT scheduled: " + problem),
                    () -> servable.put(schedule.flow(), schedule));
        }
        return servable;
    }

    /**
     * Starts {@code flow} for {@code mydate} unless that pair has been claimed already. A flow that fails to
     * start is logged; the timers go on.
     *
     * @return the execution id, or empty when the run was a duplicate and was skipped, or could not start
     */
    public OptionalLong startOnce(String flow, BusinessDate mydate) {
        RunControl.Start start;
        try {
            start = control.startOnce(new RunControl.StartRequest(flow, mydate, Map.of(), owner, false, false));
        } catch (RuntimeException e) {
            LOG.severe(() -> "flow " + flow + ", mydate " + mydate + ": not started: " + e.getMessage());
            return OptionalLong.empty();
        }
        if (start instanceof RunControl.AlreadyClaimed taken) {
            LOG.info(() -> "flow " + flow + ", mydate " + mydate + ": skipped, already claimed by " + taken.claim());
            return OptionalLong.empty();
        }
        long id = ((RunControl.Started) start).executionId();
        LOG.info(() -> "flow " + flow + ", mydate " + mydate + ": started execution " + id);
        return OptionalLong.of(id);
    }

    private void await(long executionId) {
        try {
            control.await(executionId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static ScheduleExpression expression(Schedule schedule) {
        String[] f = schedule.calendarFields();
        return new ScheduleExpression().second(f[0]).minute(f[1]).hour(f[2]).dayOfMonth(f[3]).month(f[4]).dayOfWeek(f[5])
                .timezone(schedule.zone().getId());
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
