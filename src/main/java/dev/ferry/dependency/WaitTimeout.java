package dev.ferry.dependency;

import dev.ferry.config.Settings;
import dev.ferry.notify.Deadlines;
import dev.ferry.variables.BusinessDate;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;

/**
 * How long a run waits for its upstreams before it is given up: {@code ferry.flow.FLOW.wait-timeout} minutes when set;
 * else until the date's deadline ({@code ferry.flow.FLOW.deadline}), when the flow has one that is still ahead; else
 * {@value #DEFAULT_MINUTES} minutes.
 */
public final class WaitTimeout {

    public static final int DEFAULT_MINUTES = 360;

    /** When a wait is given up, and how that is said: {@code until its deadline 2024-01-02T06:30+08:00}, {@code at most 90 min}. */
    public record GiveUp(Instant at, String told) {
    }

    private WaitTimeout() {
    }

    /** For a wait of {@code flow}'s date {@code mydate} that began at {@code since}. */
    public static GiveUp of(Config config, String flow, BusinessDate mydate, Instant since) {
        String key = "ferry.flow." + flow + ".wait-timeout";
        boolean set = config.getOptionalValue(key, String.class).filter(v -> !v.isBlank()).isPresent();
        Optional<Deadlines.Deadline> deadline = set ? Optional.empty() : Deadlines.of(config, flow);
        if (deadline.isPresent() && deadline.get().of(mydate).isAfter(since)) {
            Instant at = deadline.get().of(mydate);
            return new GiveUp(at, "until its deadline " + at.atZone(deadline.get().zone()).toOffsetDateTime() + " (ferry.flow." + flow
                    + ".deadline; set ferry.flow." + flow + ".wait-timeout to wait otherwise)");
        }
        Duration timeout = Duration.ofMinutes(Settings.wholeNumber(config, key, DEFAULT_MINUTES, 1, 10_080));
        return new GiveUp(since.plus(timeout), "at most " + timeout.toMinutes() + " min (" + key + ")");
    }
}
