package dev.ferry.dependency;

import dev.ferry.config.Settings;
import java.time.Duration;
import org.eclipse.microprofile.config.Config;

/** {@code ferry.flow.FLOW.wait-timeout}: minutes a run waits for its upstreams before it is given up (default 360). */
public final class WaitTimeout {

    public static final int DEFAULT_MINUTES = 360;

    private WaitTimeout() {
    }

    public static Duration of(Config config, String flow) {
        return Duration.ofMinutes(Settings.wholeNumber(config, "ferry.flow." + flow + ".wait-timeout", DEFAULT_MINUTES, 1, 10_080));
    }
}
