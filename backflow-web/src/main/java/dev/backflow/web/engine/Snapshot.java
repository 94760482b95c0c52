package dev.backflow.web.engine;

import java.util.List;

/**
 * The state of a session's training that the page draws after each step: losses and accuracy, every
 * weight and bias ([layer][to][from] and [layer][neuron]), each weight's gradient from the last step (null
 * before the first), the output's heatmap and one per hidden neuron.
 * {@code seq} echoes the page's request number for a single step, so the page can time the round trip.
 */
public record Snapshot(
    long step,
    int epoch,
    boolean running,
    boolean diverged,
    String stopReason,
    Metrics metrics,
    double[][][] weights,
    double[][][] grads,
    double[][] biases,
    Heatmap output,
    List<List<Heatmap>> neurons,
    Long seq,
    double computeMillis) {}
