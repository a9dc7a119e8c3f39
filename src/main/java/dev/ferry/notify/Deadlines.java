package dev.ferry.notify;

import dev.ferry.history.JBeretTables;
import dev.ferry.schedule.Schedule;
import dev.ferry.variables.BusinessDate;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.Config;

/**
 * When each flow's business date must be COMPLETED ({@code ferry.flow.FLOW.deadline}), and the watch that says when one
 * is not: a {@code late} notice once per (flow, date) — recorded under a unique index, so two nodes and a restart still
 * make one — and a {@code recovered} notice when a late date completes after all. Serving nodes ({@code ferry serve},
 * the server) watch; a date is watched for {@link #WATCHED_FOR} after its deadline.
 */
public final class Deadlines {

    private static final Logger LOG = Logger.getLogger(Deadlines.class.getName());
    /** How long after its deadline a date that is not COMPLETED is still noticed late (a node down all that time misses it). */
    static final Duration WATCHED_FOR = Duration.ofHours(36);
    private static final Pattern KEY = Pattern.compile("ferry\\.flow\\.(.+)\\.deadline");
    private static final Pattern VALUE = Pattern.compile("(?:\\+(\\d{1,2})d\\s*)?(\\d{1,2}:\\d{2})");

    /** A flow's deadline: {@code days} after the business date, at {@code time} in {@code zone}. */
    public record Deadline(String flow, int days, LocalTime time, ZoneId zone) {
        public Instant of(BusinessDate mydate) {
            return mydate.date().plusDays(days).atTime(time).atZone(zone).toInstant();
        }

        /** The business dates whose deadline passed in (now - {@code window}, now]. */
        java.util.List<BusinessDate> passedWithin(Instant now, Duration window) {
            java.util.List<BusinessDate> dates = new java.util.ArrayList<>();
            LocalDate newest = now.atZone(zone).toLocalDate().minusDays(days);
            for (LocalDate d = newest; ; d = d.minusDays(1)) {
                Instant deadline = of(new BusinessDate(d));
                if (!deadline.isAfter(now.minus(window))) {
                    return dates;
                }
                if (!deadline.isAfter(now)) {
                    dates.add(0, new BusinessDate(d));
                }
            }
        }
    }

    private final Map<String, Deadline> deadlines;
    private final JBeretTables history;
    private final Notices notices;
    private final Clock clock;
    private Instant completedUpTo;

    public Deadlines(Map<String, Deadline> deadlines, JBeretTables history, Notices notices, Clock clock) {
        this.deadlines = Map.copyOf(deadlines);
        this.history = history;
        this.notices = notices;
        this.clock = clock;
        this.completedUpTo = clock.instant();
    }

    /**
     * The deadlines of the configuration: {@code 06:30} is the day after the business date (T+1), {@code +2d06:30} two
     * days after, {@code +0d23:00} the date itself; in the flow's zone ({@code ferry.flow.FLOW.timezone}, else ferry.timezone).
     */
    /** {@code flow}'s deadline ({@code ferry.flow.FLOW.deadline}), if it has one. */
    public static java.util.Optional<Deadline> of(Config config, String flow) {
        String key = "ferry.flow." + flow + ".deadline";
        return config.getOptionalValue(key, String.class).map(String::trim).filter(t -> !t.isEmpty()).map(t -> parse(config, key, flow, t));
    }

    /**
     * Why deadlines of the configuration cannot be watched: each names a flow that Ferry does not know (a typo would
     * otherwise be noticed late every day, or never for the flow meant).
     */
    public static java.util.List<String> problems(Config config, java.util.Collection<String> knownFlows) {
        return fromConfig(config).keySet().stream().filter(flow -> !knownFlows.contains(flow))
                .map(flow -> "ferry.flow." + flow + ".deadline names flow " + flow + ", which Ferry does not know: no such flow in the"
                        + " flows folder or on the class path; its deadline is not watched").toList();
    }

    /** The deadlines of the flows this runtime knows; the others are logged as not watched. */
    public static Map<String, Deadline> ofKnownFlows(Config config, java.util.Collection<String> knownFlows) {
        problems(config, knownFlows).forEach(LOG::warning);
        Map<String, Deadline> deadlines = new TreeMap<>(fromConfig(config));
        deadlines.keySet().retainAll(knownFlows);
        return deadlines;
    }

    public static Map<String, Deadline> fromConfig(Config config) {
        Map<String, Deadline> deadlines = new TreeMap<>();
        for (String key : config.getPropertyNames()) {
            Matcher name = KEY.matcher(key);
            if (!name.matches()) {
                continue;
            }
            String flow = name.group(1);
            String text = config.getOptionalValue(key, String.class).orElse("").trim();
            if (!text.isEmpty()) {
                deadlines.put(flow, parse(config, key, flow, text));
            }
        }
        return deadlines;
    }

    private static Deadline parse(Config config, String key, String flow, String text) {
        Matcher value = VALUE.matcher(text);
        try {
            if (!value.matches()) {
                throw new DateTimeParseException("", text, 0);
            }
            int days = value.group(1) == null ? 1 : Integer.parseInt(value.group(1));
            return new Deadline(flow, days, LocalTime.parse(value.group(2).length() == 4 ? "0" + value.group(2) : value.group(2)),
                    Schedule.zoneOf(config, flow));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(key + " '" + text + "' is not a deadline: give a time of day such as 06:30 (the day"
                    + " after the business date) or +2d06:30 (two days after)");
        }
    }

    /** One look: late dates, late dates that completed, and (when asked for) runs that completed since the last look. */
    public void watch() {
        Instant now = clock.instant();
        for (Deadline deadline : deadlines.values()) {
            try {
                watch(deadline, now);
            } catch (SQLException | RuntimeException e) {
                LOG.warning(() -> "flow " + deadline.flow() + ": cannot look at its deadline: " + e.getMessage());
            }
        }
        try {
            recovered(now);
            if (notices.settings().events().contains(Notice.Event.COMPLETED)) {
                Instant since = completedUpTo.minus(Duration.ofMinutes(1)); // the unique index drops what was seen already
                completedUpTo = now;
                for (JBeretTables.Completed run : history.completedSince(since)) {
                    notices.record(new Notice("completed", run.flow(), run.mydate(), run.executionId(), null, null,
                            notices.settings().link(run.executionId()), run.startedBy(), now, null));
                }
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warning(() -> "cannot look for completed runs: " + e.getMessage());
        }
    }

    private void watch(Deadline deadline, Instant now) throws SQLException {
        for (BusinessDate mydate : deadline.passedWithin(now, WATCHED_FOR)) {
            if (history.completedOn(Set.of(deadline.flow()), mydate.toString()).isEmpty()
                    && notices.record(new Notice("late", deadline.flow(), mydate.toString(), null, null, null, notices.settings().link(null),
                    null, now, deadline.of(mydate)))) {
                LOG.warning(() -> "flow " + deadline.flow() + ", mydate " + mydate + ": LATE, not COMPLETED by its deadline "
                        + deadline.of(mydate) + " (ferry.flow." + deadline.flow() + ".deadline)");
            }
        }
    }

    private void recovered(Instant now) throws SQLException {
        for (String late : notices.lateNow()) {
            String flow = late.substring(0, late.lastIndexOf('/'));
            String mydate = late.substring(late.lastIndexOf('/') + 1);
            if (!history.completedOn(Set.of(flow), mydate).isEmpty()) {
                Deadline deadline = deadlines.get(flow);
                notices.record(new Notice("recovered", flow, mydate, null, null, null, notices.settings().link(null), null, now,
                        deadline == null ? null : deadline.of(BusinessDate.parse(mydate))));
                LOG.info(() -> "flow " + flow + ", mydate " + mydate + ": RECOVERED, COMPLETED after its deadline");
            }
        }
    }
}
