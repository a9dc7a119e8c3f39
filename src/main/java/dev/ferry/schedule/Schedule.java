package dev.ferry.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.ferry.variables.BusinessDate;
import java.io.Serializable;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.Config;

/**
 * When a flow runs and which business date each run loads: a cron expression in a time zone, with the
 * T+1 rule (a run fired on day D loads D - 1 in that zone). Cron has five fields ({@code minute hour
 * day-of-month month day-of-week}, as in crontab) or six with seconds first ({@code 0 30 2 * * *}).
 *
 * @param cron    the expression as configured
 * @param misfire what to do with fire times missed while no scheduler ran
 */
public record Schedule(String flow, String cron, ZoneId zone, MisfirePolicy misfire) implements Serializable {

    private static final Pattern KEY = Pattern.compile("ferry\\.flow\\.(.+)\\.schedule");

    public Schedule {
        parse(flow, cron);
        misfire = misfire == null ? MisfirePolicy.CATCH_UP : misfire;
    }

    public Schedule(String flow, String cron, ZoneId zone) {
        this(flow, cron, zone, MisfirePolicy.CATCH_UP);
    }

    /**
     * The schedules in the configuration: {@code ferry.flow.FLOW.schedule} and, optionally,
     * {@code ferry.flow.FLOW.timezone} (default {@code ferry.timezone}, then the system zone) and
     * {@code ferry.flow.FLOW.misfire} ({@code catch-up}, the default, {@code latest} or {@code skip}).
     * Each key is looked up for every flow in {@code knownFlows} too, so that an environment variable
     * ({@code FERRY_FLOW_RDS_TO_ADB_SCHEDULE}) schedules the flow {@code rds-to-adb}, whose name an
     * environment variable cannot spell; a schedule of a flow not known here keeps its configured name.
     */
    public static Map<String, Schedule> fromConfig(Config config, Collection<String> knownFlows) {
        ZoneId defaultZone = defaultZone(config);
        Map<String, String> byEnvironmentName = new TreeMap<>();
        knownFlows.forEach(flow -> byEnvironmentName.put(environmentName(flow), flow));
        Set<String> flows = new TreeSet<>();
        for (String key : config.getPropertyNames()) {
            Matcher m = KEY.matcher(key);
            if (m.matches()) {
                flows.add(byEnvironmentName.getOrDefault(environmentName(m.group(1)), m.group(1)));
            }
        }
        for (String flow : knownFlows) {
            if (config.getOptionalValue(key(flow, "schedule"), String.class).isPresent()) {
                flows.add(flow);
            }
        }
        Map<String, Schedule> schedules = new TreeMap<>();
        for (String flow : flows) {
            String cron = config.getOptionalValue(key(flow, "schedule"), String.class).orElse(null);
            if (cron == null) {
                continue;
            }
            MisfirePolicy misfire;
            try {
                misfire = MisfirePolicy.parse(config.getOptionalValue(key(flow, "misfire"), String.class).orElse("catch-up"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key(flow, "misfire") + ": " + e.getMessage());
            }
            schedules.put(flow, new Schedule(flow, cron, zoneOf(config, flow, defaultZone), misfire));
        }
        return schedules;
    }

    /** {@code ferry.flow.FLOW.NAME}. */
    public static String key(String flow, String name) {
        return "ferry.flow." + flow + "." + name;
    }

    /** How an environment variable spells a name: every character but letters and digits as {@code _}, upper case. */
    public static String environmentName(String name) {
        return name.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /** The zone of a flow's business dates: {@code ferry.flow.FLOW.timezone}, else {@link #defaultZone}. */
    public static ZoneId zoneOf(Config config, String flow) {
        return zoneOf(config, flow, defaultZone(config));
    }

    private static ZoneId zoneOf(Config config, String flow, ZoneId defaultZone) {
        return zone(config, key(flow, "timezone"), defaultZone);
    }

    /** {@code ferry.timezone}, else the system's zone: the zone of schedules and of T+1 business dates. */
    public static ZoneId defaultZone(Config config) {
        return zone(config, "ferry.timezone", ZoneId.systemDefault());
    }

    private static ZoneId zone(Config config, String key, ZoneId fallback) {
        return config.getOptionalValue(key, String.class).map(z -> {
            try {
                return ZoneId.of(z);
            } catch (DateTimeException e) {
                throw new IllegalArgumentException(key + " '" + z + "' is not a time zone such as Asia/Shanghai or UTC");
            }
        }).orElse(fallback);
    }

    /** The latest fire time at or before {@code time}: the one a run started by a timer stands for. */
    public ZonedDateTime lastFireAtOrBefore(ZonedDateTime time) {
        ZonedDateTime wall = wallClock(time).truncatedTo(ChronoUnit.SECONDS);
        ExecutionTime execution = ExecutionTime.forCron(parse(flow, cron));
        if (execution.isMatch(wall)) {
            return inZone(wall);
        }
        return inZone(execution.lastExecution(wall)
                .orElseThrow(() -> new IllegalStateException("schedule of " + flow + " never fired before " + time)));
    }

    /** The first fire time after {@code time}. */
    public ZonedDateTime nextFireAfter(ZonedDateTime time) {
        return inZone(ExecutionTime.forCron(parse(flow, cron)).nextExecution(wallClock(time))
                .orElseThrow(() -> new IllegalStateException("schedule of " + flow + " never fires after " + time)));
    }

    /** Every fire time after {@code after} up to and including {@code upTo}, oldest first. */
    public List<ZonedDateTime> fireTimesBetween(Instant after, Instant upTo) {
        List<ZonedDateTime> times = new ArrayList<>();
        ExecutionTime execution = ExecutionTime.forCron(parse(flow, cron));
        ZonedDateTime wall = wallClock(after.atZone(zone));
        while (true) {
            Optional<ZonedDateTime> next = execution.nextExecution(wall);
            if (next.isEmpty()) {
                return times;
            }
            ZonedDateTime fire = inZone(next.get());
            if (fire.toInstant().isAfter(upTo)) {
                return times;
            }
            if (fire.toInstant().isAfter(after) && (times.isEmpty() || fire.isAfter(times.get(times.size() - 1)))) {
                times.add(fire);
            }
            wall = next.get();
        }
    }

    /*
     * Cron is read on the wall clock of the flow's zone, computed on a timeline without daylight saving
     * (the local time as if it were UTC) and then placed in the zone. So a fire time that falls into the
     * spring-forward gap runs right after it (02:30 becomes 03:30) instead of being lost with its business
     * date, and one in the repeated autumn hour runs once.
     */
    private ZonedDateTime wallClock(ZonedDateTime time) {
        return time.withZoneSameInstant(zone).toLocalDateTime().atZone(ZoneOffset.UTC);
    }

    private ZonedDateTime inZone(ZonedDateTime wallClock) {
        return ZonedDateTime.ofLocal(wallClock.toLocalDateTime(), zone, null);
    }

    /** T+1: the business date a run fired at {@code fireTime} loads. */
    public BusinessDate businessDateFor(ZonedDateTime fireTime) {
        return BusinessDate.forRunAt(fireTime, zone);
    }

    private static Cron parse(String flow, String cron) {
        if (cron == null || cron.isBlank()) {
            throw new IllegalArgumentException("ferry.flow." + flow + ".schedule is empty; write a cron expression such as 30 2 * * *");
        }
        int fields = cron.trim().split("\\s+").length;
        CronType type = switch (fields) {
            case 5 -> CronType.UNIX;
            case 6 -> CronType.SPRING;
            default -> throw new IllegalArgumentException("ferry.flow." + flow + ".schedule '" + cron + "' has " + fields
                    + " fields; write 5 (minute hour day month weekday, e.g. 30 2 * * *) or 6 with seconds first");
        };
        try {
            return new CronParser(CronDefinitionBuilder.instanceDefinitionFor(type)).parse(cron.trim()).validate();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ferry.flow." + flow + ".schedule '" + cron + "' is not a valid cron expression: " + e.getMessage());
        }
    }
}
