package dev.backflow.web.graph;

import dev.backflow.nn.Linear;
import dev.backflow.tensor.Tensor;
import dev.backflow.web.engine.ForwardPass;
import dev.backflow.web.engine.TrainingRun;
import dev.backflow.web.setup.ActivationKind;
import dev.backflow.web.setup.BadRequest;
import dev.backflow.web.setup.LossKind;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One neuron of the current network written as an expression for the graph view, with the current
 * weights and one training example's inputs as values: a = f(w1·a1 + w2·a2 + … + b). For the output
 * neuron under a squared loss the loss is included, so the graph runs all the way to L.
 */
public record NeuronExpression(String expression, Map<String, Double> values) {

  public static NeuronExpression of(TrainingRun run, int layer, int neuron, int example) {
    int depth = run.network().depth();
    if (layer < 1 || layer > depth) throw new BadRequest("layer must be 1 to " + depth + ", got " + layer);
    Linear linear = run.network().layers().get(layer - 1);
    int out = linear.weight.shape(0), in = linear.weight.shape(1);
    if (neuron < 0 || neuron >= out) {
      throw new BadRequest("layer " + layer + " has neurons 0 to " + (out - 1) + ", got " + neuron);
    }
    int n = run.data().trainSize();
    if (example < 0 || example >= n) throw new BadRequest("example must be 0 to " + (n - 1) + ", got " + example);
    Tensor x = run.data().trainX.indexSelect(0, new int[] {example});
    ForwardPass f = run.network().evaluate(x);
    float[] prev = f.inputTo(layer - 1).toArray(), w = linear.weight.toArray(), b = linear.bias.toArray();
    String inputName = layer == 1 ? "x" : "a";
    Map<String, Double> values = new LinkedHashMap<>();
    StringBuilder sum = new StringBuilder();
    for (int i = 0; i < in; i++) {
      String wi = "w" + (i + 1), ai = in == 1 && layer == 1 ? "x" : inputName + (i + 1);
      sum.append(wi).append('*').append(ai).append(" + ");
      values.put(wi, (double) w[neuron * in + i]);
      values.put(ai, (double) prev[i]);
    }
    sum.append('b');
    values.put("b", (double) b[neuron]);
    ActivationKind act = run.network().activation(layer - 1);
    String expr = act == ActivationKind.LINEAR ? sum.toString() : act.id + "(" + sum + ")";
    LossKind loss = run.setup().loss();
    if (layer == depth && loss != LossKind.CROSS_ENTROPY) {
      values.put("y", (double) run.data().trainY.indexSelect(0, new int[] {example}).item());
      expr = (loss == LossKind.HALF_SQUARED ? "0.5*" : "") + "(y - " + expr + ")^2";
    }
    return new NeuronExpression(expr, values);
  }
}
