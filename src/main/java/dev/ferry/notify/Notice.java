package dev.ferry.notify;

import java.time.Instant;
import java.util.Locale;

/**
 * What a webhook is told, as JSON: which {@code event}, for which flow, business date and execution, and why. Fields
 * that do not apply are left out: a {@code late} date may have no execution at all, only a {@code failed} one has an error.
 *
 * @param console   the console's page of the execution, or of the grid, when {@code ferry.console.url} is set
 * @param startedBy who started the run ({@code timer@node-1}, {@code console:olga@etl-01}, ...)
 * @param deadline  for {@code late} and {@code recovered}: when the date should have been COMPLETED
 */
public record Notice(String event, String flow, String mydate, Long execution, String step, String error, String console,
                     String startedBy, Instant at, Instant deadline) {

    /** The events, by their names in {@code ferry.notify.events} and in a notice's {@code event} field. */
    public enum Event {
        FAILED, LATE, RECOVERED, COMPLETED;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Event of(String id) {
            for (Event event : values()) {
                if (event.id().equals(id.trim().toLowerCase(Locale.ROOT))) {
                    return event;
                }
            }
            throw new IllegalArgumentException("ferry.notify.events: '" + id.trim() + "' is not an event; give some of failed, late,"
                    + " recovered, completed");
        }
    }

    /** One line for a person: {@code fact-orders 20240101 FAILED in step load: ... (execution 12)}. */
    public String headline() {
        String what = switch (event) {
            case "failed" -> "FAILED" + (step == null ? "" : " in step " + step) + (error == null ? "" : ": " + error);
            case "late" -> "LATE: not COMPLETED by its deadline " + deadline;
            case "recovered" -> "RECOVERED: COMPLETED after its deadline " + deadline;
            default -> event.toUpperCase(Locale.ROOT);
        };
        return flow + " " + (mydate == null ? "" : mydate + " ") + what + (execution == null ? "" : " (execution " + execution + ")");
    }
}
