package dev.ferry.standalone;

import dev.ferry.db.DatabaseSettings;
import dev.ferry.dependency.Dependencies;
import dev.ferry.flow.FlowCheck;
import dev.ferry.schedule.Schedule;
import dev.ferry.variables.Variables;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.eclipse.microprofile.config.Config;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code ferry schedule}: the next fire times and the business date each will load, before it matters. */
@Command(name = "schedule", mixinStandardHelpOptions = true, description = "Shows the next fire times of the scheduled flows and the mydate each will use.")
final class ScheduleCommand implements Callable<Integer> {

    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss VV");

    @ParentCommand
    FerryCommand ferry;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FLOW", description = "Only this flow.")
    String flow;

    @Option(names = "--next", defaultValue = "5", paramLabel = "N", description = "How many fire times (default ${DEFAULT-VALUE}).")
    int next;

    @Override
    public Integer call() {
        Config config = StandaloneConfig.load(Optional.ofNullable(ferry.configFile));
        FlowCatalog flows = FlowCatalog.standalone(ScheduleCommand.class.getClassLoader(), FlowCatalog.folder(config));
        Map<String, Schedule> schedules = Schedule.fromConfig(config, flows.names());
        FlowCheck check = new FlowCheck(flows, name -> DatabaseSettings.from(config, name).isPresent());
        Dependencies dependencies = Dependencies.from(config, flows.names());
        if (flow != null && !schedules.containsKey(flow)) {
            throw new IllegalArgumentException("flow " + flow + " has no schedule (ferry.flow." + flow + ".schedule); scheduled: " + schedules.keySet());
        }
        System.out.printf("%-20s %-34s %-9s %s%n", "FLOW", "FIRES AT", "MYDATE", "SCHEDULE");
        int broken = 0;
        for (Schedule s : schedules.values()) {
            if (flow != null && !flow.equals(s.flow())) {
                continue;
            }
            ZonedDateTime t = ZonedDateTime.now(s.zone());
            try {
                check.check(s.flow(), Map.of(Variables.MYDATE, s.businessDateFor(s.nextFireAfter(t)).toString()));
                dependencies.problem(s.flow()).ifPresent(problem -> {
                    throw new IllegalArgumentException(problem);
                });
            } catch (IllegalArgumentException e) {
                broken++;
                System.out.printf("%-20s %-34s %-9s '%s' BROKEN, not served: %s%n", s.flow(), "-", "-", s.cron(), e.getMessage());
                continue;
            }
            List<String> upstreams = dependencies.upstreamsOf(s.flow());
            for (int i = 0; i < next; i++) {
                t = s.nextFireAfter(t);
                System.out.printf("%-20s %-34s %-9s '%s' misfire %s%s%n", s.flow(), TIME.format(t), s.businessDateFor(t), s.cron(), s.misfire(),
                        upstreams.isEmpty() ? "" : ", after " + String.join(", ", upstreams));
            }
        }
        return broken == 0 ? 0 : 1;
    }
}
