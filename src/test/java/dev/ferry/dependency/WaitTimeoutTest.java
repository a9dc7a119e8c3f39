package dev.ferry.dependency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.variables.BusinessDate;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Instant;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;

/** How long a downstream's date waits for its upstreams: until the date's deadline unless told otherwise. */
class WaitTimeoutTest {

    static Config config(Map<String, String> entries) {
        return new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(entries, "test", 100)).build();
    }

    static final BusinessDate D = BusinessDate.parse("20240101");

    @Test
    void withoutAWaitTimeoutADateWaitsUntilItsDeadline() {
        Config night = config(Map.of("ferry.flow.fact.deadline", "06:30", "ferry.flow.fact.timezone", "Asia/Shanghai"));

        WaitTimeout.GiveUp giveUp = WaitTimeout.of(night, "fact", D, Instant.parse("2024-01-01T16:30:00Z")); // 00:30 in Shanghai
        assertThat(giveUp.at()).isEqualTo(Instant.parse("2024-01-01T22:30:00Z")); // 06:30 the day after D, in Shanghai
        assertThat(giveUp.told()).contains("until its deadline 2024-01-02T06:30+08:00").contains("ferry.flow.fact.wait-timeout");
    }

    @Test
    void aDateCaughtUpAfterItsDeadlineWaitsTheDefaultAndAWaitTimeoutWins() {
        Config night = config(Map.of("ferry.flow.fact.deadline", "06:30", "ferry.flow.fact.timezone", "UTC"));
        Instant weekLater = Instant.parse("2024-01-08T00:30:00Z");
        assertThat(WaitTimeout.of(night, "fact", D, weekLater).at()).as("its deadline is long past: the default, not at once")
                .isEqualTo(weekLater.plusSeconds(WaitTimeout.DEFAULT_MINUTES * 60L));

        Config told = config(Map.of("ferry.flow.fact.deadline", "06:30", "ferry.flow.fact.wait-timeout", "90"));
        Instant since = Instant.parse("2024-01-02T00:30:00Z");
        assertThat(WaitTimeout.of(told, "fact", D, since)).isEqualTo(new WaitTimeout.GiveUp(since.plusSeconds(90 * 60),
                "at most 90 min (ferry.flow.fact.wait-timeout)"));
        assertThat(WaitTimeout.of(config(Map.of()), "dim", D, since).at()).isEqualTo(since.plusSeconds(360 * 60));
    }
}
