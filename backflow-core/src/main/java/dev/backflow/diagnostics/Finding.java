package dev.backflow.diagnostics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One diagnosis: what went wrong ({@link Kind}), where (a layer's path in the model, as namedParameters
 * spells it, with its type: "0 (Linear)"), the measured figures behind it, why it matters, and what fixes it.
 */
public record Finding(Kind kind, String layer, Map<String, Double> figures, String explanation, List<String> remedies) {

  public Finding {
    figures = Collections.unmodifiableMap(new LinkedHashMap<>(figures)); // keeps the order they were measured in
    remedies = List.copyOf(remedies);
  }

  /** The classic failures of backpropagation, each with the remedies that usually cure it. */
  public enum Kind {
    VANISHING_GRADIENTS("Vanishing gradients", List.of(
        "use ReLU or leaky ReLU in hidden layers instead of sigmoid or tanh (their slope is at most 0.25 and 1)",
        "initialize for the activation: He (Init.kaimingNormal) for ReLU, Xavier (Init.xavierUniform) for tanh and sigmoid",
        "add residual connections (nn.Residual) so the gradient has a path that skips each layer",
        "add normalization (BatchNorm1d, LayerNorm) between layers to keep pre-activations out of saturation",
        "use Adam, which rescales each parameter's step by its own gradient history")),
    EXPLODING_GRADIENTS("Exploding gradients", List.of(
        "clip the gradient norm (Trainer.clipGradNorm(1.0), or GradClip.clipGradNorm in your own loop)",
        "lower the learning rate",
        "initialize with He or Xavier scaling instead of larger weights",
        "add normalization (BatchNorm1d, LayerNorm) between layers",
        "use Adam, whose step size does not grow with the gradient")),
    DEAD_UNITS("Dead ReLU units", List.of(
        "lower the learning rate: one large step can push a unit's bias so negative that it never fires again",
        "use leaky ReLU (Activation.leakyRelu(0.01)) or GELU, which still pass a gradient for negative inputs",
        "initialize with He scaling (Init.kaimingNormal) so units start in their active range",
        "add normalization (BatchNorm1d) before the ReLU to keep pre-activations centred",
        "use Adam with a moderate learning rate (1e-3)")),
    LEARNING_RATE_TOO_HIGH("Learning rate too high", List.of(
        "lower the learning rate 3-10x: each step should change a weight by about 1e-3 of its size",
        "warm the learning rate up over the first steps (LrScheduler.linearWarmup)",
        "clip the gradient norm")),
    LEARNING_RATE_TOO_LOW("Learning rate too low", List.of(
        "raise the learning rate 3-10x: each step should change a weight by about 1e-3 of its size",
        "use Adam (1e-3 is a good start), whose step size does not depend on the gradient's scale")),
    STALLED_LOSS("Stalled loss", List.of(
        "check that the labels belong to the inputs (a shuffled or wrong label column looks exactly like this)",
        "standardize the inputs to zero mean and unit variance",
        "raise the learning rate, or switch to Adam",
        "use a larger model if this one cannot represent the task")),
    NAN_LOSS("NaN loss", List.of(
        "run again with Autograd.detectAnomaly(true): the first op that produced NaN or infinity is named, with its"
            + " input shapes and the line of your code that called it",
        "lower the learning rate",
        "clip the gradient norm (Trainer.clipGradNorm(1.0))",
        "compute losses from logits (crossEntropy, binaryCrossEntropyWithLogits) rather than the log of probabilities",
        "check the input data for NaN or infinite values"));

    private final String title;
    private final List<String> remedies;

    Kind(String title, List<String> remedies) {
      this.title = title;
      this.remedies = remedies;
    }

    public String title() {
      return title;
    }

    public List<String> remedies() {
      return remedies;
    }
  }

  /** One line: "VANISHING_GRADIENTS at 0 (Linear): explanation". */
  @Override
  public String toString() {
    return kind + " at " + layer + ": " + explanation;
  }

  /** The figures as "name=value" pairs with 3 significant digits. */
  public String figuresText() {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Double> e : figures.entrySet()) {
      if (sb.length() > 0) sb.append(", ");
      sb.append(e.getKey()).append('=').append(format(e.getValue()));
    }
    return sb.toString();
  }

  static String format(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e7) return Long.toString((long) v);
    return String.format(Locale.ROOT, "%.3g", v);
  }
}
