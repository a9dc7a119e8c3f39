package dev.ferry.variables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VariablesTest {

    private final Variables vars = Variables.of(Map.of("mydate", "20240131", "schema", "ods", "table", "t_3"));

    @Test
    void substitutesTheBusinessDate() {
        assertThat(vars.resolve("SELECT * FROM t WHERE c = DATE '${mydate}'")).isEqualTo("SELECT * FROM t WHERE c = DATE '20240131'");
        assertThat(vars.resolve("rds/t3/${mydate}/")).isEqualTo("rds/t3/20240131/");
    }

    @Test
    void formatsAndShiftsTheBusinessDate() {
        assertThat(vars.resolve("${mydate|yyyy-MM-dd}")).isEqualTo("2024-01-31");
        assertThat(vars.resolve("${mydate-1d}")).isEqualTo("20240130");
        assertThat(vars.resolve("${mydate+1d|yyyy-MM-dd}")).isEqualTo("2024-02-01");
        assertThat(vars.resolve("${mydate+1M|yyyyMM}")).isEqualTo("202402");
        assertThat(vars.resolve("${mydate+1M}")).isEqualTo("20240229"); // month ends clamp
        assertThat(vars.resolve("${mydate-2w}")).isEqualTo("20240117");
        assertThat(vars.resolve("${mydate-1y|yyyy}")).isEqualTo("2023");
    }

    @Test
    void dayAndMonthNamesAreEnglishWhateverTheMachinesLocale() {
        Locale machine = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            assertThat(Variables.of(Map.of("mydate", "20240301")).resolve("${mydate|E}, ${mydate|MMM}")).isEqualTo("Fri, Mar");
        } finally {
            Locale.setDefault(machine);
        }
    }

    @Test
    void substitutesOtherJobParametersByName() {
        assertThat(vars.resolve("INSERT INTO ${schema}.${table}")).isEqualTo("INSERT INTO ods.t_3");
    }

    @Test
    void leavesJsr352ExpressionsAndDollarQuotesAlone() {
        String sql = "DO $$ BEGIN PERFORM 1; END $$; SELECT '#{jobParameters[''x'']}', $1";
        assertThat(vars.resolve(sql)).isEqualTo(sql);
        assertThat(vars.resolve("literal $${mydate}")).isEqualTo("literal ${mydate}");
    }

    @Test
    void anUndefinedVariableIsNamedWithWhatIsDefined() {
        assertThatThrownBy(() -> vars.resolve("${region}"))
                .hasMessageContaining("'${region}' is not defined")
                .hasMessageContaining("mydate");
    }

    @Test
    void withoutMydateTheDateVariablesSayHowToGiveIt() {
        assertThatThrownBy(() -> Variables.of(Map.of()).resolve("${mydate}")).hasMessageContaining("--date");
    }

    @Test
    void aBadMydateFailsWhenTheVariablesAreMadeBeforeAnythingIsResolved() {
        assertThatThrownBy(() -> Variables.of(Map.of("mydate", "20240101; DROP TABLE t_src")))
                .hasMessageContaining("'20240101; DROP TABLE t_src'");
    }

    @Test
    void parametersThatCouldChangeAStatementAreRefused() {
        Variables hostile = Variables.of(Map.of("mydate", "20240101", "t", "x'; DROP TABLE t_src; --", "c", "a--b"));
        assertThatThrownBy(() -> hostile.resolve("SELECT '${t}'")).hasMessageContaining("job parameter t").hasMessageContaining("may not be put into SQL");
        assertThatThrownBy(() -> hostile.resolve("SELECT ${c}")).hasMessageContaining("job parameter c");
    }

    @Test
    void malformedExpressionsAndUnsafeFormatsAreRefused() {
        assertThatThrownBy(() -> vars.resolve("${mydate+1x}")).hasMessageContaining("is not a variable");
        assertThatThrownBy(() -> vars.resolve("${schema+1d}")).hasMessageContaining("only mydate");
        assertThatThrownBy(() -> vars.resolve("${mydate|yyyy''MM}")).hasMessageContaining("may use only");
    }
}
