package dev.backflow.diagnostics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One diagnosis: what went wrong ({@link Kind}), where (a layer's path in the model, as namedParameters
 * spells it, with its type: "0 (Linear)"), the measured figures behind it, why it matters, and what fixes it.
 * @param kind which failure this is
 * @param layer where: the layer's path and type, e.g. "0 (Linear)", or a description for the whole model
 * @param figures the measurements behind the diagnosis, by name, in the order measured
 * @param explanation why it matters, in a sentence or two
 * @param remedies what usually fixes it, most effective first
 */
public record Finding(Kind kind, String layer, Map<String, Double> figures, String explanation, List<String> remedies) {

  /**
   * Copies {@code figures} and {@code remedies}, so the finding cannot change afterwards.
   * @param kind which failure this is
   * @param layer where
   * @param figures the measurements behind the diagnosis
   * @param explanation why it matters
   * @param remedies what usually fixes it
   */
  public Finding {
    figures = Collections.unmodifiableMap(new LinkedHashMap<>(figures)); // keeps the order they were measured in
    remedies = List.copyOf(remedies);
  }

  /** The classic failures of backpropagation, each with the remedies that usually cure it. */
  public enum Kind {
    /** The early layers' gradients are orders of magnitude smaller than the last layer's, so they barely learn. */
    VANISHING_GRADIENTS("Vanishing gradients", List.of(
        "use ReLU or leaky ReLU in hidden layers instead of sigmoid or tanh (their slope is at most 0.25 and 1)",
        "initialize for the activation: He (Init.kaimingNormal) for ReLU, Xavier (Init.xavierUniform) for tanh and sigmoid",
        "add residual connections (nn.Residual) so the gradient has a path that skips each layer",
        "add normalization (BatchNorm1d, LayerNorm) between layers to keep pre-activations out of saturation",
        "use Adam, which rescales each parameter's step by its own gradient history")),
    /** Gradient norms grow through the layers or over the steps until the updates overshoot. */
    EXPLODING_GRADIENTS("Exploding gradients", List.of(
        "clip the gradient norm (Trainer.clipGradNorm(1.0), or GradClip.clipGradNorm in your own loop)",
        "lower the learning rate",
        "initialize with He or Xavier scaling instead of larger weights",
        "add normalization (BatchNorm1d, LayerNorm) between layers",
        "use Adam, whose step size does not grow with the gradient")),
    /** ReLU units that output zero for every example, so no gradient ever reaches their weights again. */
    DEAD_UNITS("Dead ReLU units", List.of(
        "lower the learning rate: one large step can push a unit's bias so negative that it never fires again",
        "use leaky ReLU (Activation.leakyRelu(0.01)) or GELU, which still pass a gradient for negative inputs",
        "initialize with He scaling (Init.kaimingNormal) so units start in their active range",
        "add normalization (BatchNorm1d) before the ReLU to keep pre-activations centred",
        "use Adam with a moderate learning rate (1e-3)")),
    /** Each step changes the weights by a large fraction of their size, so the loss jumps instead of falling. */
    LEARNING_RATE_TOO_HIGH("Learning rate too high", List.of(
        "lower the learning rate 3-10x: each step should change a weight by about 1e-3 of its size",
        "warm the learning rate up over the first steps (LrScheduler.linearWarmup)",
        "clip the gradient norm")),
    /** Each step changes the weights by a tiny fraction of their size, so training crawls. */
    LEARNING_RATE_TOO_LOW("Learning rate too low", List.of(
        "raise the learning rate 3-10x: each step should change a weight by about 1e-3 of its size",
        "use Adam (1e-3 is a good start), whose step size does not depend on the gradient's scale")),
    /** The loss stopped improving well above what the model should reach. */
    STALLED_LOSS("Stalled loss", List.of(
        "check that the labels belong to the inputs (a shuffled or wrong label column looks exactly like this)",
        "standardize the inputs to zero mean and unit variance",
        "raise the learning rate, or switch to Adam",
        "use a larger model if this one cannot represent the task")),
    /** The loss became NaN or infinite, and every later step is meaningless. */
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

    /**
     * The heading a report shows.
     *
     * @return a short human-readable name, e.g. "Vanishing gradients"
     */
    public String title() {
      return title;
    }

    /**
     * The remedies a finding of this kind lists.
     *
     * @return what usually cures this failure, most effective first
     */
    public List<String> remedies() {
      return remedies;
    }
  }

  /** One line: "VANISHING_GRADIENTS at 0 (Linear): explanation". */
  @Override
  public String toString() {
    return kind + " at " + layer + ": " + explanation;
  }

  /**
   * The figures as "name=value" pairs with 3 significant digits.
   * @return the figures as one line, e.g. "ratio=0.00123, layers=4"
   */
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
