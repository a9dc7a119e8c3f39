package dev.ferry.standalone;

import com.zaxxer.hikari.HikariDataSource;
import dev.ferry.db.DatabaseSettings;
import dev.ferry.db.PooledDatabases;
import dev.ferry.dependency.Dependencies;
import dev.ferry.dependency.WaitingDates;
import dev.ferry.flow.FlowCheck;
import dev.ferry.notify.Deadlines;
import dev.ferry.schedule.Pauses;
import dev.ferry.schedule.Schedule;
import dev.ferry.variables.Variables;
import java.sql.SQLException;
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
        Night night = Night.read(config);
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
            Pauses.Pause pause = night.paused().get(s.flow());
            if (pause != null) {
                System.out.printf("%-20s %-34s %-9s '%s' PAUSED, %s: starts nothing until ferry resume %s%n", s.flow(), "-", "-", s.cron(),
                        pause, s.flow());
            }
            for (WaitingDates.Waiting w : night.waiting()) {
                if (w.flow().equals(s.flow())) {
                    System.out.printf("%-20s %-34s %-9s WAITING since %s for %s%n", s.flow(), "-", w.mydate(), w.since(), w.upstreams());
                }
            }
            for (int i = 0; pause == null && i < next; i++) {
                t = s.nextFireAfter(t);
                System.out.printf("%-20s %-34s %-9s '%s' misfire %s%s%n", s.flow(), TIME.format(t), s.businessDateFor(t), s.cron(), s.misfire(),
                        upstreams.isEmpty() ? "" : ", after " + String.join(", ", upstreams));
            }
        }
        for (String problem : Deadlines.problems(config, flows.names())) {
            broken++;
            System.out.println("DEADLINE NOT WATCHED: " + problem);
        }
        night.unknown().ifPresent(why -> System.out.println("(paused and waiting flows not shown: " + why + ")"));
        return broken == 0 ? 0 : 1;
    }

    /** What the job repository says of the schedules now: the paused flows and the dates that wait. */
    private record Night(Map<String, Pauses.Pause> paused, List<WaitingDates.Waiting> waiting, Optional<String> unknown) {
        static Night read(Config config) {
            EmbeddedServer.usedBy(config).ifPresent(EmbeddedServer::ensureRunning);
            try (HikariDataSource repository = PooledDatabases.pool(DatabaseSettings.repository(config))) {
                return new Night(new Pauses(repository).all(), new WaitingDates(repository).of(null), Optional.empty());
            } catch (SQLException e) {
                // A repository no run has used yet has no tables: nothing is paused or waiting there.
                return "42P01".equals(e.getSQLState()) ? new Night(Map.of(), List.of(), Optional.empty())
                        : new Night(Map.of(), List.of(), Optional.of("the job repository cannot be read: " + e.getMessage()));
            }
        }
    }
}
