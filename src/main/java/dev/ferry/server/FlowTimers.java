package dev.ferry.server;

import dev.ferry.recovery.ExecutionOwners;
import dev.ferry.schedule.Claims;
import dev.ferry.schedule.Schedule;
import dev.ferry.variables.BusinessDate;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.ejb.ScheduleExpression;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
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
public class FlowTimers {

    private static final Logger LOG = Logger.getLogger(FlowTimers.class.getName());
    static final String DEFAULT_REPOSITORY_JNDI = "java:jboss/datasources/FerryRepository";

    @Resource
    TimerService timerService;

    private static final String HEARTBEAT = "ferry-heartbeat";

    private Claims claims;
    private ExecutionOwners owners;
    private String owner;

    @PostConstruct
    void arm() {
        Config config = ConfigProvider.getConfig();
        DataSource repository = repository(config);
        claims = new Claims(repository);
        owner = "timer@" + hostName();
        owners = new ExecutionOwners(repository, hostName(), ProcessHandle.current().pid(), "wildfly");
        try {
            claims.createTableIfAbsent();
            owners.register();
            // Runs this server started before it went down without finishing them.
            owners.recover(Duration.ofSeconds(60));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set up Ferry's tables in " + repository + ": " + e.getMessage(), e);
        }
        Map<String, Schedule> wanted = new TreeMap<>(Schedule.fromConfig(config));
        for (Timer timer : timerService.getTimers()) {
            if (HEARTBEAT.equals(timer.getInfo())) {
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
        Schedule schedule = (Schedule) timer.getInfo();
        ZonedDateTime fired = schedule.lastFireAtOrBefore(ZonedDateTime.now(schedule.zone()));
        startOnce(schedule.flow(), schedule.businessDateFor(fired));
    }

    /**
     * Starts {@code flow} for {@code mydate} unless that pair has been claimed already.
     *
     * @return the execution id, or empty when the run was a duplicate and was skipped
     */
    public OptionalLong startOnce(String flow, BusinessDate mydate) {
        try {
            OptionalLong id = claims.startOnce(BatchRuntime.getJobOperator(), flow, flow, mydate, new Properties(), owner, false);
            if (id.isEmpty()) {
                LOG.info(() -> "flow " + flow + ", mydate " + mydate + ": skipped, already claimed by " + holder(flow, mydate));
            } else {
                owners.own(id.getAsLong());
                LOG.info(() -> "flow " + flow + ", mydate " + mydate + ": started execution " + id.getAsLong());
            }
            return id;
        } catch (SQLException e) {
            throw new IllegalStateException("flow " + flow + ", mydate " + mydate + ": cannot claim the run in "
                    + Claims.TABLE + ": " + e.getMessage(), e);
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

    private static DataSource repository(Config config) {
        String jndi = config.getOptionalValue("ferry.repository.jndi", String.class).orElse(DEFAULT_REPOSITORY_JNDI);
        try {
            return (DataSource) new InitialContext().lookup(jndi);
        } catch (NamingException e) {
            throw new IllegalStateException("no datasource at " + jndi + " for the claim table; run server-config/wildfly/ferry.cli"
                    + " or set ferry.repository.jndi", e);
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
