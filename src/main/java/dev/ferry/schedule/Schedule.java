package dev.ferry.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.ferry.variables.BusinessDate;
import java.io.Serializable;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.Config;

/**
 * When a flow runs and which business date each run loads: a cron expression in a time zone, with the
 * T+1 rule (a run fired on day D loads D - 1 in that zone). Cron has five fields ({@code minute hour
 * day-of-month month day-of-week}, as in crontab) or six with seconds first ({@code 0 30 2 * * *}).
 *
 * @param cron the expression as configured
 */
public record Schedule(String flow, String cron, ZoneId zone) implements Serializable {

    private static final Pattern KEY = Pattern.compile("ferry\\.flow\\.(.+)\\.schedule");

    public Schedule {
        parse(flow, cron);
    }

    /**
     * The schedules in the configuration: {@code ferry.flow.FLOW.schedule} and, optionally,
     * {@code ferry.flow.FLOW.timezone} (default {@code ferry.timezone}, then the system zone).
     */
    public static Map<String, Schedule> fromConfig(Config config) {
        ZoneId defaultZone = zone(config, "ferry.timezone", ZoneId.systemDefault());
        Map<String, Schedule> schedules = new TreeMap<>();
        for (String key : config.getPropertyNames()) {
            Matcher m = KEY.matcher(key);
            if (m.matches()) {
                String flow = m.group(1);
                String cron = config.getValue(key, String.class);
                schedules.put(flow, new Schedule(flow, cron, zone(config, "ferry.flow." + flow + ".timezone", defaultZone)));
            }
        }
        return schedules;
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
        ZonedDateTime t = time.withZoneSameInstant(zone).truncatedTo(ChronoUnit.SECONDS);
        ExecutionTime execution = ExecutionTime.forCron(parse(flow, cron));
        if (execution.isMatch(t)) {
            return t;
        }
        return execution.lastExecution(t).orElseThrow(() -> new IllegalStateException("schedule of " + flow + " never fired before " + t));
    }

    /** The first fire time after {@code time}. */
    public ZonedDateTime nextFireAfter(ZonedDateTime time) {
        return ExecutionTime.forCron(parse(flow, cron)).nextExecution(time.withZoneSameInstant(zone))
                .orElseThrow(() -> new IllegalStateException("schedule of " + flow + " never fires after " + time));
    }

    /** T+1: the business date a run fired at {@code fireTime} loads. */
    public BusinessDate businessDateFor(ZonedDateTime fireTime) {
        return BusinessDate.forRunAt(fireTime, zone);
    }

    /** The six calendar fields {@code second minute hour day-of-month month day-of-week}, for an EJB timer. */
    public String[] calendarFields() {
        String[] fields = cron.trim().split("\\s+");
        String[] six = fields.length == 5 ? new String[] {"0", fields[0], fields[1], fields[2], fields[3], fields[4]} : fields;
        for (int i = 0; i < six.length; i++) {
            six[i] = six[i].replace('?', '*');
        }
        return six;
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
