package dev.ferry.variables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BusinessDateTest {

    @Test
    void parsesEightDigitsOfARealDay() {
        assertThat(BusinessDate.parse("20240229").toString()).isEqualTo("20240229");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-13-01", "20241301", "20230229", "2024011", "202401011", "20240101; DROP TABLE t_src", " 20240101", "２０２４０１０１", "00000101", "00001231"})
    void refusesAnythingElseNamingTheValueAndTheFormat(String value) {
        assertThatThrownBy(() -> BusinessDate.parse(value))
                .isInstanceOf(InvalidVariableException.class)
                .hasMessageContaining("'" + value + "'")
                .hasMessageContaining("yyyyMMdd");
    }

    @Test
    void refusesAnEmptyDate() {
        assertThatThrownBy(() -> BusinessDate.parse("")).hasMessageContaining("mydate is empty");
        assertThatThrownBy(() -> BusinessDate.parse(null)).hasMessageContaining("mydate is empty");
    }

    @Test
    void tPlusOneIsTheDayBeforeTheRunInTheFlowsZone() {
        ZoneId shanghai = ZoneId.of("Asia/Shanghai");
        // 2024-03-01 00:30 in Shanghai is still 2024-02-29 in UTC: the zone decides the date.
        ZonedDateTime run = ZonedDateTime.of(2024, 3, 1, 0, 30, 0, 0, shanghai);
        assertThat(BusinessDate.forRunAt(run, shanghai).toString()).isEqualTo("20240229");
        assertThat(BusinessDate.forRunAt(run, ZoneId.of("UTC")).toString()).isEqualTo("20240228");
        assertThat(BusinessDate.forRunAt(ZonedDateTime.of(2025, 1, 1, 2, 0, 0, 0, shanghai), shanghai).toString())
                .isEqualTo("20241231");
    }
}
