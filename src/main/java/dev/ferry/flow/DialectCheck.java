package dev.ferry.flow;

import dev.ferry.partition.CsvFormat;
import dev.ferry.store.StoreLocation;
import dev.ferry.warehouse.Dialect;
import dev.ferry.warehouse.Dialects;
import dev.ferry.warehouse.ExternalFiles;
import dev.ferry.warehouse.WarehouseSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.Config;

/**
 * What {@code validate} can tell of a flow's loads from the configuration alone: a load into a warehouse whose dialect
 * is set ({@code ferry.db.NAME.dialect}) that cannot do the load's {@code method external} or {@code mode exchange}
 * there. Without a dialect set, the warehouse's {@code version()} decides, which {@code try-run} and {@code run} ask.
 */
public final class DialectCheck {

    private DialectCheck() {
    }

    /** @param store where the flows' partitions are kept, opened only when a load reads the store itself */
    public static List<FlowValidator.Problem> problems(List<FlowStep> steps, Config config, Supplier<StoreLocation> store) {
        List<FlowValidator.Problem> problems = new ArrayList<>();
        for (FlowStep step : steps) {
            Optional<String> database = literal(step, "database");
            if (!step.ref().equals("load") || database.isEmpty()) {
                continue;
            }
            WarehouseSettings settings = WarehouseSettings.from(config, database.get());
            Optional<Dialect> dialect;
            try {
                dialect = Dialects.configured(settings);
            } catch (IllegalArgumentException e) {
                problems.add(new FlowValidator.Problem(step.properties().get("database").line(), "step " + step.id() + ": " + e.getMessage()));
                continue;
            }
            if (dialect.isEmpty()) {
                continue;
            }
            if (literal(step, "mode").filter("exchange"::equals).isPresent()) {
                dialect.get().cannotExchange(database.get()).ifPresent(why -> problems.add(new FlowValidator.Problem(
                        step.properties().get("mode").line(), "step " + step.id() + ", property mode: " + why)));
            }
            if (literal(step, "method").filter("external"::equals).isPresent()) {
                ExternalFiles files = new ExternalFiles("public", "validate", List.of(), CsvFormat.DEFAULT, literal(step, "source").orElse(""),
                        List.of(), store.get(), settings);
                dialect.get().cannotRead(files).ifPresent(why -> problems.add(new FlowValidator.Problem(
                        step.properties().get("method").line(), "step " + step.id() + ", property method: " + why)));
            }
        }
        return problems;
    }

    /** A property's value when it holds no variable (a value from a job parameter is known only at the run). */
    private static Optional<String> literal(FlowStep step, String property) {
        return step.property(property).map(String::strip).filter(v -> !v.isEmpty() && !v.contains("${")).map(v -> property.equals("database")
                ? v : v.toLowerCase(Locale.ROOT));
    }
}
