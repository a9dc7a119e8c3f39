package dev.ferry.variables;

import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Substitutes {@code ${...}} variables in SQL and store paths from a run's job parameters.
 *
 * <pre>
 * ${mydate}                 the business date, yyyyMMdd
 * ${mydate|yyyy-MM-dd}      formatted with a java.time pattern
 * ${mydate-1d}              shifted: d days, w weeks, M months, y years
 * ${mydate+1M|yyyyMM}       shifted, then formatted
 * ${name}                   any other job parameter
 * $${                       a literal ${
 * </pre>
 *
 * Substitution covers the whole text, comments included, so a script says {@code $${} where it means a
 * literal {@code ${}.
 *
 * Every value is checked before it reaches SQL: {@code mydate} must be a real yyyyMMdd date and other
 * parameters may hold only letters, digits and {@code _ . : / @ + = , -} (no quotes, semicolons,
 * spaces or comment markers), so a parameter can never change the shape of a statement.
 */
public final class Variables {

    public static final String MYDATE = "mydate";

    private static final Pattern REFERENCE = Pattern.compile("\\$?\\$\\{([^}]*)}");
    private static final Pattern EXPRESSION = Pattern.compile(
            "\\s*([A-Za-z_][A-Za-z0-9_.]*)\\s*(?:([+-])\\s*(\\d{1,4})\\s*([dwMy]))?\\s*(?:\\|([^|]+))?");
    private static final Pattern SAFE_VALUE = Pattern.compile("[\\p{L}\\p{N}_.:/@+=,-]*");
    private static final Pattern SAFE_DATE_PATTERN = Pattern.compile("[yuMdDEQqwWe\\-_/. ]+");

    private final Map<String, String> parameters;
    private final BusinessDate mydate;

    private Variables(Map<String, String> parameters, BusinessDate mydate) {
        this.parameters = parameters;
        this.mydate = mydate;
    }

    /**
     * Variables from a run's job parameters. A {@code mydate} parameter, when present, is validated here,
     * so a bad date fails before the first statement of the first step.
     */
    public static Variables of(Properties jobParameters) {
        Map<String, String> parameters = new TreeMap<>();
        if (jobParameters != null) {
            jobParameters.stringPropertyNames().forEach(k -> parameters.put(k, jobParameters.getProperty(k)));
        }
        BusinessDate mydate = parameters.containsKey(MYDATE) ? BusinessDate.parse(parameters.get(MYDATE)) : null;
        return new Variables(Map.copyOf(parameters), mydate);
    }

    public static Variables of(Map<String, String> jobParameters) {
        Properties properties = new Properties();
        properties.putAll(jobParameters);
        return of(properties);
    }

    /** A job parameter's raw value, for Ferry's own parameters (never put into SQL this way). */
    public Optional<String> value(String name) {
        return Optional.ofNullable(parameters.get(name));
    }

    public Optional<BusinessDate> mydate() {
        return Optional.ofNullable(mydate);
    }

    /** The same parameters for another business date, e.g. to resolve a condition for the dates next to this one. */
    public Variables withMydate(BusinessDate other) {
        Map<String, String> changed = new TreeMap<>(parameters);
        changed.put(MYDATE, other.toString());
        return new Variables(Map.copyOf(changed), other);
    }

    /** Replaces every variable in {@code text}; fails on the first undefined or unsafe one. */
    public String resolve(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) {
            String replacement;
            try {
                replacement = m.group().startsWith("$$") ? m.group().substring(1) : valueOf(m.group(1));
            } catch (InvalidVariableException e) {
                if (text.indexOf('\n') < 0) {
                    throw e;
                }
                long line = text.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
                throw new InvalidVariableException("line " + line + ": " + e.getMessage());
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private String valueOf(String expression) {
        Matcher e = EXPRESSION.matcher(expression);
        if (!e.matches()) {
            throw new InvalidVariableException("'${" + expression + "}' is not a variable; write ${name}, "
                    + "${mydate|yyyy-MM-dd}, ${mydate-1d} or ${mydate+1M|yyyyMM}");
        }
        String name = e.group(1);
        boolean derived = e.group(2) != null || e.group(5) != null;
        if (MYDATE.equals(name)) {
            if (mydate == null) {
                throw new InvalidVariableException("'${" + expression + "}' needs the job parameter mydate; "
                        + "start the flow with --date yyyyMMdd or -p mydate=yyyyMMdd");
            }
            return derived ? derive(expression, e) : mydate.toString();
        }
        if (derived) {
            throw new InvalidVariableException("'${" + expression + "}': only mydate takes an offset or a format");
        }
        String value = parameters.get(name);
        if (value == null) {
            throw new InvalidVariableException("'${" + name + "}' is not defined; defined here: " + parameters.keySet().stream()
                    .filter(k -> !k.startsWith("ferry.") && !k.startsWith("jberet.")).toList()
                    + ". Pass it as a job parameter (ferry run FLOW -p " + name + "=VALUE)");
        }
        if (!SAFE_VALUE.matcher(value).matches() || value.contains("--") || value.contains("/*")) {
            String shown = value.length() <= 40 ? value : value.substring(0, 40) + "... (" + value.length() + " characters)";
            throw new InvalidVariableException("job parameter " + name + " = '" + shown + "' may not be put into SQL: "
                    + "only letters, digits and _ . : / @ + = , - are allowed");
        }
        return value;
    }

    private String derive(String expression, Matcher e) {
        BusinessDate date = mydate;
        if (e.group(2) != null) {
            long amount = Long.parseLong(e.group(3)) * ("-".equals(e.group(2)) ? -1 : 1);
            ChronoUnit unit = switch (e.group(4)) {
                case "d" -> ChronoUnit.DAYS;
                case "w" -> ChronoUnit.WEEKS;
                case "M" -> ChronoUnit.MONTHS;
                default -> ChronoUnit.YEARS;
            };
            date = new BusinessDate(date.date().plus(amount, unit));
        }
        String pattern = e.group(5) == null ? null : e.group(5).trim();
        if (pattern == null) {
            return date.toString();
        }
        if (!SAFE_DATE_PATTERN.matcher(pattern).matches()) {
            throw new InvalidVariableException("'${" + expression + "}': format '" + pattern
                    + "' may use only the date letters y u M d D E Q w W e and - _ / . space");
        }
        try {
            return date.format(pattern);
        } catch (IllegalArgumentException | java.time.DateTimeException ex) {
            throw new InvalidVariableException("'${" + expression + "}': bad date format '" + pattern + "': " + ex.getMessage());
        }
    }
}
