package dev.backflow.web.graph;

import java.util.List;

/**
 * One node of the computational graph as the page draws it, micrograd-style: a label, the value the
 * forward pass computed, and the gradient ∂out/∂node that backward left on it. {@code local} holds, per
 * input, the op's local derivative ∂node/∂input (so an input's gradient is the sum over its uses of
 * this node's gradient times that factor). Constants carry no gradient (null).
 */
public record GraphNode(int id, String kind, String label, double value, Double grad, List<Integer> inputs,
                        List<Double> local) {}
