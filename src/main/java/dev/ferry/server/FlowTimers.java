package dev.ferry.server;

import dev.ferry.flow.FlowVersion;
import dev.ferry.recovery.ExecutionOwners;
import dev.ferry.schedule.Claims;
import dev.ferry.schedule.MisfirePolicy;
import dev.ferry.schedule.Schedule;
import dev.ferry.schedule.Scheduler;
import dev.ferry.schedule.Watermarks;
import dev.ferry.variables.BusinessDate;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.batch.runtime.BatchStatus;
import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.ScheduleExpression;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
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
    private String owner;

    @PostConstruct
    void arm() {
        Config config = ConfigProvider.getConfig();
        DataSource repository = repository(config);
        claims = new Claims(repository);
        watermarks = new Watermarks(repository);
        owner = "timer@" + hostName();
        try {
            claims.createTableIfAbsent();
            watermarks.createTableIfAbsent();
            owners.register();
            // Runs this server started before it went down without finishing them.
            owners.recover(Duration.ofSeconds(60));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set up Ferry's tables in " + repository + ": " + e.getMessage(), e);
        }
        Map<String, Schedule> wanted = new TreeMap<>(Schedule.fromConfig(config));
        for (Timer timer : timerService.getTimers()) {
            if (HEARTBEAT.equals(timer.getInfo()) || CATCH_UP.equals(timer.getInfo())) {
                timer.cancel();
            } else if (timer.getInfo() instanceof Schedule kept && kept.equals(wanted.get(kept.flow()))) {
                wanted.remove(kept.flow());
                LOG.info(() -> "flow " + kept.flow() + ": keeping its timer '" + kept.cron() + "' (" + kept.zone() + ")");
            } else {
                LOG.info(() -> "cancelling a timer no longer configured: " + timer.getInfo());
                timer.cancel();
            }
        }
        timerService.createIntervalTimer(2_000, 2_000, new TimerConfig(HEARTBEAT, false));
        // Caught-up runs are awaited one by one, so they run on a timer thread of their own, not in deployment.
        timerService.createSingleActionTimer(1_000, new TimerConfig(CATCH_UP, false));
        for (Schedule schedule : wanted.values()) {
            timerService.createCalendarTimer(expression(schedule), new TimerConfig(schedule, true));
            LOG.info(() -> "flow " + schedule.flow() + ": scheduled '" + schedule.cron() + "' (" + schedule.zone() + "), next "
                    + schedule.nextFireAfter(ZonedDateTime.now(schedule.zone())));
        }
    }

    @Timeout
    void fire(Timer timer) {
        if (HEARTBEAT.equals(timer.getInfo())) {
            beat();
            return;
        }
        if (CATCH_UP.equals(timer.getInfo())) {
            catchUp(Schedule.fromConfig(ConfigProvider.getConfig()).values());
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

    /**
     * Starts {@code flow} for {@code mydate} unless that pair has been claimed already.
     *
     * @return the execution id, or empty when the run was a duplicate and was skipped
     */
    public OptionalLong startOnce(String flow, BusinessDate mydate) {
        try {
            Properties parameters = new Properties();
            version(flow).ifPresent(v -> parameters.setProperty(FlowVersion.PARAMETER, v));
            OptionalLong id = claims.startOnce(BatchRuntime.getJobOperator(), flow, flow, mydate, parameters, owner, false);
            if (id.isEmpty()) {
                LOG.info(() -> "flow " + flow + ", mydate " + mydate + ": skipped, already claimed by " + holder(flow, mydate));
            } else {
                LOG.info(() -> "flow " + flow + ", mydate " + mydate + ": started execution " + id.getAsLong());
            }
            return id;
        } catch (SQLException e) {
            throw new IllegalStateException("flow " + flow + ", mydate " + mydate + ": cannot claim the run in "
                    + Claims.TABLE + ": " + e.getMessage(), e);
        }
    }

    private static void await(long executionId) {
        var operator = BatchRuntime.getJobOperator();
        Set<BatchStatus> ended = EnumSet.of(BatchStatus.COMPLETED,
                BatchStatus.FAILED, BatchStatus.STOPPED, BatchStatus.ABANDONED);
        try {
            while (!ended.contains(operator.getJobExecution(executionId).getBatchStatus())) {
                Thread.sleep(500);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Optional<String> version(String flow) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try (InputStream xml = loader.getResourceAsStream("META-INF/batch-jobs/" + flow + ".xml")) {
            return xml == null ? Optional.empty() : Optional.of(FlowVersion.of(xml.readAllBytes(), loader));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Tells the repository this server is alive, and stops what another process asked to stop. */
    private void beat() {
        try {
            owners.heartbeat();
            for (long id : owners.stopRequested()) {
                BatchRuntime.getJobOperator().stop(id);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warning(() -> "heartbeat to the job repository failed: " + e.getMessage());
        }
    }

    private String holder(String flow, BusinessDate mydate) {
        try {
            return claims.holder(flow, mydate).orElse("?");
        } catch (SQLException e) {
            return "? (" + e.getMessage() + ")";
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
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
