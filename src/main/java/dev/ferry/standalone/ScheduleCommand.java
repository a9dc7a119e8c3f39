package dev.ferry.standalone;

import dev.ferry.schedule.Schedule;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code ferry schedule}: the next fire times and the business date each will load, before it matters. */
@Command(name = "schedule", description = "Shows the next fire times of the scheduled flows and the mydate each will use.")
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
        Map<String, Schedule> schedules = Schedule.fromConfig(StandaloneConfig.load(java.util.Optional.ofNullable(ferry.configFile)));
        if (flow != null && !schedules.containsKey(flow)) {
            throw new IllegalArgumentException("flow " + flow + " has no schedule (ferry.flow." + flow + ".schedule); scheduled: " + schedules.keySet());
        }
        System.out.printf("%-20s %-34s %-9s %s%n", "FLOW", "FIRES AT", "MYDATE", "SCHEDULE");
        for (Schedule s : schedules.values()) {
            if (flow != null && !flow.equals(s.flow())) {
                continue;
            }
            ZonedDateTime t = ZonedDateTime.now(s.zone());
            for (int i = 0; i < next; i++) {
                t = s.nextFireAfter(t);
                System.out.printf("%-20s %-34s %-9s '%s' misfire %s%n", s.flow(), TIME.format(t), s.businessDateFor(t), s.cron(), s.misfire());
            }
        }
        return 0;
    }
}
