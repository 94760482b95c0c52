package dev.backflow.web.graph;

import java.util.List;

/** The evaluated graph: its nodes in creation order (inputs before the ops that use them) and the output's id. */
public record GraphResult(String expression, int output, double value, List<GraphNode> nodes) {}
