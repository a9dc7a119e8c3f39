package dev.ferry.console;

import java.util.List;

/**
 * A flow's upstreams and downstreams ({@code ferry.flow.FLOW.after}), all the way up and down, each with its state for
 * one business date: the status of its newest execution of the date, {@code WAITING} while its date waits for
 * upstreams, or {@code NOT RUN}.
 *
 * @param level  0 for the flow asked about, -1 for what it waits for, -2 for what those wait for; +1, +2 below it
 * @param edges  {@code upstream -> downstream}
 */
public record FlowGraph(String flow, String mydate, List<Node> nodes, List<Edge> edges) {

    public record Node(String flow, int level, String state, Long execution) {
    }

    public record Edge(String from, String to) {
    }
}
