package dev.ferry.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScheduleTest {

    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    @Test
    void aDailyCrontabLineFiresAtItsTimeAndLoadsTheDayBefore() {
        Schedule daily = new Schedule("rds-to-adb", "30 2 * * *", SHANGHAI);

        ZonedDateTime fired = daily.lastFireAtOrBefore(ZonedDateTime.of(2025, 1, 1, 2, 30, 0, 400_000_000, SHANGHAI));
        assertThat(fired).isEqualTo(ZonedDateTime.of(2025, 1, 1, 2, 30, 0, 0, SHANGHAI));
        assertThat(daily.businessDateFor(fired).toString()).isEqualTo("20241231");
        assertThat(daily.nextFireAfter(fired)).isEqualTo(ZonedDateTime.of(2025, 1, 2, 2, 30, 0, 0, SHANGHAI));
    }

    @Test
    void aFiringHandledLateStillStandsForTheFireTimeItMissed() {
        Schedule daily = new Schedule("rds-to-adb", "30 2 * * *", SHANGHAI);
        // The server was down at 02:30 on 1 March and the timer fired at 09:00: the run still loads 29 February.
        ZonedDateTime late = ZonedDateTime.of(2024, 3, 1, 9, 0, 0, 0, SHANGHAI);

        assertThat(daily.businessDateFor(daily.lastFireAtOrBefore(late)).toString()).isEqualTo("20240229");
    }

    @Test
    void fiveFieldsStartWithTheMinuteAndSixWithTheSecond() {
        ZonedDateTime friday = ZonedDateTime.of(2024, 3, 1, 2, 29, 59, 0, SHANGHAI);
        assertThat(new Schedule("f", "30 2 * * 1-5", SHANGHAI).nextFireAfter(friday)).isEqualTo(friday.plusSeconds(1));
        assertThat(new Schedule("f", "*/2 * * * * ?", SHANGHAI).nextFireAfter(friday)).isEqualTo(friday.plusSeconds(1));
        assertThat(new Schedule("f", "*/2 * * * * ?", SHANGHAI).nextFireAfter(friday.plusSeconds(1))).isEqualTo(friday.plusSeconds(3));
    }

    @Test
    void aBadExpressionIsNamedWithItsKey() {
        assertThatThrownBy(() -> new Schedule("rds-to-adb", "30 2 * *", SHANGHAI))
                .hasMessageContaining("ferry.flow.rds-to-adb.schedule '30 2 * *' has 4 fields");
        assertThatThrownBy(() -> new Schedule("rds-to-adb", "61 2 * * *", SHANGHAI))
                .hasMessageContaining("ferry.flow.rds-to-adb.schedule '61 2 * * *' is not a valid cron expression");
    }

    @Test
    void schedulesComeFromTheConfigurationWithTheirZones() {
        var config = new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(Map.of(
                "ferry.timezone", "UTC",
                "ferry.flow.rds-to-adb.schedule", "30 2 * * *",
                "ferry.flow.rds-to-adb.timezone", "Asia/Shanghai",
                "ferry.flow.orders.schedule", "0 5 * * *"), "test", 100)).build();

        Map<String, Schedule> schedules = Schedule.fromConfig(config, List.of("rds-to-adb"));

        assertThat(schedules).containsOnlyKeys("rds-to-adb", "orders");
        assertThat(schedules.get("rds-to-adb").zone()).isEqualTo(SHANGHAI);
        assertThat(schedules.get("orders").zone()).isEqualTo(ZoneId.of("UTC"));
    }

    @Test
    void anEnvironmentVariableSchedulesTheFlowWhoseNameItCannotSpell() {
        var config = new SmallRyeConfigBuilder().withSources(new EnvConfigSource(Map.of(
                "FERRY_FLOW_RDS_TO_ADB_SCHEDULE", "30 2 * * *",
                "FERRY_FLOW_RDS_TO_ADB_TIMEZONE", "Asia/Shanghai",
                "FERRY_FLOW_RDS_TO_ADB_MISFIRE", "skip"), 300) {
        }).build();

        Map<String, Schedule> schedules = Schedule.fromConfig(config, List.of("rds-to-adb", "orders.daily"));

        assertThat(schedules).containsOnlyKeys("rds-to-adb");
        assertThat(schedules.get("rds-to-adb").cron()).isEqualTo("30 2 * * *");
        assertThat(schedules.get("rds-to-adb").zone()).isEqualTo(SHANGHAI);
        assertThat(schedules.get("rds-to-adb").misfire()).isEqualTo(MisfirePolicy.SKIP);
    }
}
