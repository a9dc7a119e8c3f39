package dev.ferry.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.extract.ExtractBatchlet;
import dev.ferry.load.LoadBatchlet;
import dev.ferry.sql.SqlBatchlet;
import dev.ferry.step.StepProperty;
import jakarta.batch.api.BatchProperty;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** A step type's properties are declared once; the batchlet's injected fields and the README follow the declaration. */
class StepTypeTest {

    private static final Map<StepType, Class<?>> BATCHLETS = Map.of(StepType.EXTRACT, ExtractBatchlet.class,
            StepType.LOAD, LoadBatchlet.class, StepType.SQL, SqlBatchlet.class);

    @Test
    void eachBatchletIsInjectedExactlyTheDeclaredProperties() {
        for (StepType type : StepType.values()) {
            Set<String> injected = new TreeSet<>();
            for (Class<?> c = BATCHLETS.get(type); c != Object.class; c = c.getSuperclass()) {
                for (Field field : c.getDeclaredFields()) {
                    if (field.isAnnotationPresent(BatchProperty.class)) {
                        injected.add(field.getName());
                    }
                }
            }
            assertThat(injected).as(type.ref()).isEqualTo(names(type));
        }
    }

    @Test
    void theReadmeDescribesEveryPropertyOfEveryStepType() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        for (StepType type : StepType.values()) {
            for (String name : names(type)) {
                assertThat(readme).as(type.ref() + " property " + name).containsPattern("(?m)^\\| `" + name + "` \\|");
            }
        }
    }

    private static Set<String> names(StepType type) {
        Set<String> names = new TreeSet<>();
        type.properties().stream().map(StepProperty::name).forEach(names::add);
        return names;
    }
}
