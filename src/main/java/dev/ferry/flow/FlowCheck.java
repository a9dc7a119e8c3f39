package dev.ferry.flow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Whether a flow can be started with given job parameters: found, and free of every problem that
 * {@code ferry validate} reports. What every start, the scheduler and {@code ferry schedule} check.
 */
public final class FlowCheck {

    /** A flow that passed: its name (job id), the job XML JBeret loads, and its version. */
    public record CheckedFlow(String name, String jobXml, String version) {
    }

    private final FlowDefinitions flows;
    private final Predicate<String> knownDatabase;

    public FlowCheck(FlowDefinitions flows, Predicate<String> knownDatabase) {
        this.flows = flows;
        this.knownDatabase = knownDatabase;
    }

    /** @throws FlowRefusedException naming every problem, each with its line */
    public CheckedFlow check(String flow, Map<String, String> parameters) {
        String jobXml;
        try {
            jobXml = flows.jobXmlName(flow);
        } catch (IllegalArgumentException e) {
            throw new FlowRefusedException(flow, List.of(e.getMessage()));
        }
        byte[] xml = flows.read(jobXml).orElseThrow(() -> new FlowRefusedException(flow, List.of("no flow named '" + flow
                + "'; the flows here are " + flows.names())));
        List<String> problems = new ArrayList<>();
        new FlowValidator(knownDatabase, parameters, flows.loader()).validate(xml)
                .forEach(p -> problems.add(flow + ":" + p.line() + ": " + p.message()));
        if (!problems.isEmpty()) {
            throw new FlowRefusedException(flow, problems);
        }
        try {
            return new CheckedFlow(FlowStep.jobId(xml), jobXml, FlowVersion.of(xml, flows.loader()));
        } catch (Exception e) {
            throw new FlowRefusedException(flow, List.of("the job XML does not parse: " + e.getMessage()));
        }
    }
}
