package dev.ferry.standalone;

import dev.ferry.flow.FlowStep;
import dev.ferry.flow.TryRun;
import dev.ferry.variables.BusinessDate;
import dev.ferry.variables.Variables;
import dev.ferry.warehouse.Warehouses;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "try-run", mixinStandardHelpOptions = true, description = "Rehearses a flow for a date: final SQL, connections, EXPLAIN, column checks; changes nothing.")
final class TryRunCommand implements Callable<Integer> {

    @ParentCommand
    FerryCommand ferry;

    @Parameters(index = "0", paramLabel = "FLOW", description = "A job name or a path to a job XML file.")
    String flow;

    @Option(names = {"-d", "--date"}, required = true, paramLabel = "yyyyMMdd", description = "The business date to rehearse.")
    String date;

    @Option(names = {"-p", "--param"}, paramLabel = "KEY=VALUE", description = "Another job parameter; repeatable.")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--sample", defaultValue = "0", paramLabel = "N",
            description = "Also extract N rows into a sandbox prefix and load them into a temporary table.")
    int sample;

    @Override
    public Integer call() throws Exception {
        Map<String, String> parameters = new LinkedHashMap<>(params);
        parameters.put(Variables.MYDATE, BusinessDate.parse(date).toString());
        Variables variables = Variables.of(parameters);
        try (StandaloneRuntime runtime = ferry.runtime()) {
            String jobXml = runtime.flows().resolvable(flow);
            byte[] xml;
            try (InputStream in = runtime.flows().jobXml(jobXml)) {
                xml = in.readAllBytes();
            }
            System.out.printf("try-run %s, mydate %s%n", flow, variables.mydate().orElseThrow());
            List<String> problems = new TryRun(runtime.databases(), runtime.store(), runtime.flows().loader(), new Warehouses(runtime.config()))
                    .run(FlowStep.parse(xml), variables, sample, System.out::println);
            if (problems.isEmpty()) {
                System.out.println("no problems found");
                return 0;
            }
            System.out.println(problems.size() + " problem(s):");
            problems.forEach(p -> System.out.println("  " + p));
            return 1;
        }
    }
}
