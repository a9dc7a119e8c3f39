package dev.ferry.standalone;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code ferry}: the command line of the standalone runtime. */
@Command(name = "ferry", mixinStandardHelpOptions = true, version = "Ferry 0.1.0",
        description = "Runs T+1 ETL flows (Jakarta Batch jobs) without an application server.",
        subcommands = {RunCommand.class, ValidateCommand.class, TryRunCommand.class, RestartCommand.class, ExecutionsCommand.class, ScheduleCommand.class,
                ServeCommand.class, BackfillCommand.class, StopCommand.class, LogCommand.class, PauseCommand.Pause.class, PauseCommand.Resume.class, PurgeCommand.class,
                DemoCommand.class, HashPasswordCommand.class, EmbeddedCommand.class},
        synopsisSubcommandLabel = "COMMAND")
public final class FerryCommand implements Runnable {

    @Option(names = "--config", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "A properties file of ferry.* settings (below system properties and environment, above ./ferry.properties).")
    Path configFile;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, description = "Also log the libraries' messages and stack traces.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code: 0 ok, 1 a flow did not complete, 2 bad input or setup. */
    public static int execute(String... args) {
        CommandLine commandLine = new CommandLine(new FerryCommand());
        commandLine.setExecutionStrategy(parsed -> {
            FerryCommand root = parsed.commandSpec().root().commandLine().getCommand();
            LogSetup.forCommandLine(root.verbose);
            return new CommandLine.RunLast().execute(parsed);
        });
        commandLine.setExecutionExceptionHandler((e, cl, parsed) -> {
            FerryCommand root = cl.getCommandSpec().root().commandLine().getCommand();
            cl.getErr().println("ferry " + cl.getCommandName() + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            if (root.verbose) {
                e.printStackTrace(cl.getErr());
            }
            return 2;
        });
        return commandLine.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    StandaloneRuntime runtime() {
        String role = spec.commandLine().getParseResult().subcommand() == null ? "ferry"
                : spec.commandLine().getParseResult().subcommand().commandSpec().name();
        return StandaloneRuntime.start(StandaloneConfig.load(Optional.ofNullable(configFile)), role);
    }
}
