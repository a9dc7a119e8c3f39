package dev.ferry.flow;

import java.util.List;

/**
 * A start that was refused before anything ran: the flow has problems {@code ferry validate} reports, or the
 * date is not one to run. Each problem is one line, naming where it is; the command line exits with 2.
 */
public final class FlowRefusedException extends IllegalArgumentException {

    private final transient List<String> problems;

    public FlowRefusedException(String flow, List<String> problems) {
        super("flow " + flow + " was not started:" + (problems.size() == 1 ? " " + problems.get(0) : "\n  " + String.join("\n  ", problems)));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
