package dev.ferry.standalone;

import dev.ferry.db.DatabaseSettings;
import dev.ferry.dependency.Dependencies;
import dev.ferry.flow.DialectCheck;
import dev.ferry.flow.FlowStep;
import dev.ferry.flow.FlowValidator;
import dev.ferry.store.ObjectStore;
import dev.ferry.store.StoreSettings;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.eclipse.microprofile.config.Config;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "validate", mixinStandardHelpOptions = true, description = "Checks a flow without running it, and lists every problem with its line.")
final class ValidateCommand implements Callable<Integer> {

    @ParentCommand
    FerryCommand ferry;

    @Parameters(index = "0", paramLabel = "FLOW", description = "A job name or a path to a job XML file.")
    String flow;

    @Option(names = {"-p", "--param"}, paramLabel = "KEY=VALUE", description = "A job parameter the flow will be started with; repeatable.")
    Map<String, String> params = new LinkedHashMap<>();

    @Override
    public Integer call() throws IOException {
        Config config = StandaloneConfig.load(Optional.ofNullable(ferry.configFile));
        FlowCatalog flows = FlowCatalog.standalone(ValidateCommand.class.getClassLoader(), FlowCatalog.folder(config));
        List<FlowValidator.Problem> problems = new java.util.ArrayList<>(new FlowValidator(name -> DatabaseSettings.from(config, name)
                .isPresent(), params, flows.loader()).validate(jobXml(flows)));
        // Its after list: a flow Ferry does not know, or flows that wait for each other, and it never starts.
        Dependencies.from(config, flows.names()).problem(flows.resolvable(flow)).ifPresent(p -> problems.add(new FlowValidator.Problem(0, p)));
        // A load its warehouse's configured dialect cannot do: known now, not when the run reaches it.
        try {
            List<FlowStep> steps = FlowStep.parse(jobXml(flows));
            problems.addAll(DialectCheck.problems(steps, config, () -> {
                try (ObjectStore store = StoreSettings.from(config).open()) {
                    return store.location();
                }
            }));
        } catch (Exception e) {
            // a job XML that does not parse is reported above, with its line
        }
        problems.forEach(p -> System.out.println(flow + ":" + p.line() + ": " + p.message()));
        System.out.println(problems.isEmpty() ? "flow " + flow + " is valid" : problems.size() + " problem(s) in " + flow);
        return problems.isEmpty() ? 0 : 1;
    }

    private byte[] jobXml(FlowCatalog flows) throws IOException {
        try (InputStream in = flows.jobXml(flows.resolvable(flow))) {
            return in.readAllBytes();
        }
    }
}
