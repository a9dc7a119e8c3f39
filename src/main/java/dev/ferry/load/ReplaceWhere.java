package dev.ferry.load;

import dev.ferry.variables.BusinessDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A replace load's condition, resolved for its business date and for the periods just before and after it.
 * One run's condition must select no row that the neighbouring runs' conditions select too: {@code c >= DATE
 * '${mydate}'} does (a replace of 14 March would delete 15 and 16 March), {@code c = DATE '${mydate}'} does not.
 *
 * @param condition  the condition for the run's date, one SQL expression
 * @param neighbours the same condition for the periods before and after; empty when no check is wanted (a sample)
 */
public record ReplaceWhere(String condition, List<Neighbour> neighbours) {

    /** The condition {@code condition} as it reads for the run of {@code mydate}. */
    public record Neighbour(BusinessDate mydate, String condition) {
    }

    /** How much one run's condition selects: the neighbours it is checked against are one such period away. */
    public enum Period {
        DAY(ChronoUnit.DAYS), WEEK(ChronoUnit.WEEKS), MONTH(ChronoUnit.MONTHS), YEAR(ChronoUnit.YEARS);

        private final ChronoUnit unit;

        Period(ChronoUnit unit) {
            this.unit = unit;
        }

        public BusinessDate before(BusinessDate date) {
            return new BusinessDate(date.date().minus(1, unit));
        }

        public BusinessDate after(BusinessDate date) {
            return new BusinessDate(date.date().plus(1, unit));
        }

        public static Period parse(String text) {
            try {
                return valueOf(text.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + text + "' is not day, week, month or year");
            }
        }
    }

    public ReplaceWhere {
        neighbours = List.copyOf(neighbours);
    }

    /** A condition that is not checked against other dates' (a try-run's sample table holds one date only). */
    public static ReplaceWhere unchecked(String condition) {
        return new ReplaceWhere(condition, List.of());
    }

    /** The rows this condition selects that a neighbouring run's condition selects too; null when there are no neighbours. */
    public String overlapSql(String table) {
        if (neighbours.isEmpty()) {
            return null;
        }
        return "SELECT count(*) FROM " + table + " WHERE (" + condition + ") AND ("
                + neighbours.stream().map(n -> "(" + n.condition() + ")").collect(Collectors.joining(" OR ")) + ")";
    }

    public String describeNeighbours() {
        return neighbours.stream().map(n -> n.mydate() + " (" + n.condition() + ")").collect(Collectors.joining(" or "));
    }

    @Override
    public String toString() {
        return condition;
    }
}
