package dev.ferry.dependency;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.eclipse.microprofile.config.Config;

/**
 * Which flows each flow runs after, by business date: {@code ferry.flow.FLOW.after=dim-customer,dim-product} means
 * FLOW's run for a date D starts only once each of them has COMPLETED D, whenever each runs. A flow named there
 * that Ferry does not know, or flows that wait for each other (a cycle), are problems: those flows cannot start,
 * the others go on.
 */
public final class Dependencies {

    private final Config config;
    private final Predicate<String> known;

    /** @param known whether Ferry knows a flow of this name */
    public Dependencies(Config config, Predicate<String> known) {
        this.config = config;
        this.known = known;
    }

    /** The {@code after} lists of {@code flows}, which are the flows Ferry knows. */
    public static Dependencies from(Config config, Collection<String> flows) {
        Set<String> names = Set.copyOf(flows);
        return new Dependencies(config, names::contains);
    }

    public static String key(String flow) {
        return "ferry.flow." + flow + ".after";
    }

    /** The flows whose run of the same date {@code flow} waits for. */
    public List<String> upstreamsOf(String flow) {
        return config.getOptionalValue(key(flow), String.class).map(list -> Arrays.stream(list.split(",")).map(String::strip)
                .filter(name -> !name.isEmpty()).distinct().toList()).orElse(List.of());
    }

    /** Why {@code flow} cannot start: its {@code after} names an unknown flow, or it is part of a cycle; or empty. */
    public Optional<String> problem(String flow) {
        for (String upstream : upstreamsOf(flow)) {
            if (!known.test(upstream)) {
                return Optional.of(key(flow) + " names flow " + upstream + ", which Ferry does not know");
            }
        }
        return cycleThrough(flow).map(cycle -> key(flow) + ": flows " + String.join(" -> ", cycle) + " wait for each other, so none"
                + " of them would ever start; remove one of these after entries");
    }

    /** Every problem of these flows, one per flow that has one. */
    public List<String> problems(Collection<String> flows) {
        List<String> problems = new ArrayList<>();
        for (String flow : new TreeSet<>(flows)) {
            problem(flow).ifPresent(problems::add);
        }
        return problems;
    }

    /** A path from {@code flow} back to itself through the after lists, e.g. [a, b, a]; empty when there is none. */
    private Optional<List<String>> cycleThrough(String flow) {
        List<String> path = new ArrayList<>(List.of(flow));
        return search(flow, flow, path, new TreeSet<>());
    }

    private Optional<List<String>> search(String start, String at, List<String> path, Set<String> seen) {
        for (String next : upstreamsOf(at)) {
            if (next.equals(start)) {
                List<String> cycle = new ArrayList<>(path);
                cycle.add(start);
                return Optional.of(cycle);
            }
            if (seen.add(next)) {
                path.add(next);
                Optional<List<String>> found = search(start, next, path, seen);
                if (found.isPresent()) {
                    return found;
                }
                path.remove(path.size() - 1);
            }
        }
        return Optional.empty();
    }
}
