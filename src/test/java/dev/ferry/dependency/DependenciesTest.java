package dev.ferry.dependency;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which flows a flow runs after, and the after lists that would keep flows from ever starting. */
class DependenciesTest {

    static Dependencies of(Map<String, String> entries, List<String> flows) {
        return Dependencies.from(new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(entries, "test", 100)).build(), flows);
    }

    @Test
    void aFlowRunsAfterTheFlowsItsAfterListNames() {
        Dependencies night = of(Map.of("ferry.flow.fact-orders.after", "dim-customer, dim-product"),
                List.of("dim-customer", "dim-product", "fact-orders"));

        assertThat(night.upstreamsOf("fact-orders")).containsExactly("dim-customer", "dim-product");
        assertThat(night.upstreamsOf("dim-customer")).isEmpty();
        assertThat(night.problems(List.of("dim-customer", "dim-product", "fact-orders"))).isEmpty();
    }

    @Test
    void anUnknownUpstreamAndACycleAreNamedAndLeaveTheOtherFlowsAlone() {
        Dependencies night = of(Map.of("ferry.flow.fact.after", "dim-typo", "ferry.flow.a.after", "b", "ferry.flow.b.after", "c",
                "ferry.flow.c.after", "a", "ferry.flow.d.after", "a"), List.of("fact", "dim", "a", "b", "c", "d"));

        assertThat(night.problem("fact")).get().asString().contains("ferry.flow.fact.after names flow dim-typo, which Ferry does not know");
        assertThat(night.problem("a")).get().asString().contains("flows a -> b -> c -> a wait for each other");
        assertThat(night.problem("d")).as("waits for a cycle but is not in it: it simply waits").isEmpty();
        assertThat(night.problem("dim")).isEmpty();
    }
}
