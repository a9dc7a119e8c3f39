package dev.ferry.variables;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The business date a run loads: the {@code mydate} job parameter, always {@code yyyyMMdd}.
 * Under T+1 a run at any time of day D loads D - 1 in the flow's time zone.
 */
public record BusinessDate(LocalDate date) implements Comparable<BusinessDate> {

    public static final String FORMAT = "yyyyMMdd";
    private static final Pattern EIGHT_DIGITS = Pattern.compile("\\d{8}");
    private static final DateTimeFormatter BASIC =
            DateTimeFormatter.ofPattern("uuuuMMdd").withResolverStyle(ResolverStyle.STRICT);

    public BusinessDate {
        if (date == null) {
            throw new IllegalArgumentException("business date must not be null");
        }
    }

    /**
     * Parses {@code yyyyMMdd} strictly: eight digits naming a real calendar day, nothing else.
     *
     * @throws InvalidVariableException naming the value and the expected format
     */
    public static BusinessDate parse(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidVariableException("mydate is empty; give the business date as " + FORMAT + ", e.g. 20240101");
        }
        if (!EIGHT_DIGITS.matcher(text).matches()) {
            String shown = text.length() <= 40 ? text : text.substring(0, 40) + "... (" + text.length() + " characters)";
            throw new InvalidVariableException("mydate '" + shown + "' is not a date in the form " + FORMAT + " (e.g. 20240101)");
        }
        LocalDate date;
        try {
            date = LocalDate.parse(text, BASIC);
        } catch (DateTimeException e) {
            throw new InvalidVariableException("mydate '" + text + "' is not a calendar date (" + FORMAT + ", e.g. 20240101)");
        }
        if (date.getYear() < 1) {
            // Year 0 parses (it is 1 BC to java.time) but no database has it: refused here, not by the warehouse mid-run.
            throw new InvalidVariableException("mydate '" + text + "' is in year 0, which no calendar has; give a date from year 1 on"
                    + " (" + FORMAT + ", e.g. 20240101)");
        }
        return new BusinessDate(date);
    }

    /** T+1: the business date that a run at {@code fireTime} stands for is the day before, in that zone. */
    public static BusinessDate forRunAt(ZonedDateTime fireTime, ZoneId zone) {
        return new BusinessDate(fireTime.withZoneSameInstant(zone).toLocalDate().minusDays(1));
    }

    public String format(String pattern) {
        // English day and month names whatever the machine's locale: a flow's SQL must not change with the server.
        return date.format(DateTimeFormatter.ofPattern(pattern, Locale.ENGLISH));
    }

    @Override
    public int compareTo(BusinessDate other) {
        return date.compareTo(other.date);
    }

    @Override
    public String toString() {
        return date.format(BASIC);
    }
}
