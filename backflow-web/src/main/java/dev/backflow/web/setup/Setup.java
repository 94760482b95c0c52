package dev.backflow.web.setup;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One validated playground set-up: the data, the network and how it trains. It is what the page keeps
 * in its URL, so a link reproduces the data and the initial weights (both come from {@link #seed}).
 * Build one with {@link SetupParser}, which checks every field against {@link Limits}.
 */
public record Setup(
    Dataset dataset,
    double noise,
    int points,
    int trainPercent,
    long seed,
    List<Integer> hidden,
    List<ActivationKind> activations,
    OptimizerKind optimizer,
    double learningRate,
    int batchSize,
    Regularization regularization,
    double regularizationRate,
    InitKind init,
    LossKind loss,
    List<Feature> features,
    String csv) {

  public Setup {
    hidden = List.copyOf(hidden);
    activations = List.copyOf(activations);
    features = List.copyOf(features);
  }

  /** What the network reads: the chosen features of a 2-D point, or the one input of the worked neuron. */
  public int networkInputs() {
    return dataset.inputs() == 1 ? 1 : features.size();
  }

  /** The names of the network's inputs, as the stepper and the diagram label them. */
  public List<String> inputNames() {
    return dataset.inputs() == 1 ? List.of("x") : features.stream().map(f -> f.label).collect(Collectors.toList());
  }

  /** The network's layer sizes from input to output, e.g. [2, 4, 4, 1]. */
  public int[] layerSizes() {
    int[] sizes = new int[hidden.size() + 2];
    sizes[0] = networkInputs();
    for (int i = 0; i < hidden.size(); i++) sizes[i + 1] = hidden.get(i);
    sizes[sizes.length - 1] = 1;
    return sizes;
  }

  /** The output neuron's activation: a probability for classes, the value itself for regression. */
  public ActivationKind outputActivation() {
    return dataset.classification ? ActivationKind.SIGMOID : ActivationKind.LINEAR;
  }

  /** True when {@code other} has the same data, network shape and initial weights as this. */
  public boolean sameModelAs(Setup other) {
    return dataset == other.dataset && noise == other.noise && points == other.points
        && trainPercent == other.trainPercent && seed == other.seed && hidden.equals(other.hidden)
        && activations.equals(other.activations) && init == other.init && features.equals(other.features)
        && java.util.Objects.equals(csv, other.csv);
  }

  /** The set-up as URL query parameters (the names {@link SetupParser} reads), in a stable order. */
  public Map<String, String> toQuery() {
    Map<String, String> q = new LinkedHashMap<>();
    q.put("dataset", dataset.id);
    q.put("noise", number(noise));
    q.put("points", String.valueOf(points));
    q.put("train", String.valueOf(trainPercent));
    q.put("seed", String.valueOf(seed));
    q.put("layers", hidden.stream().map(String::valueOf).collect(Collectors.joining(",")));
    q.put("act", activations.stream().map(a -> a.id).collect(Collectors.joining(",")));
    q.put("opt", optimizer.id);
    q.put("lr", number(learningRate));
    q.put("batch", String.valueOf(batchSize));
    q.put("reg", regularization.id);
    q.put("regRate", number(regularizationRate));
    q.put("init", init.id);
    q.put("loss", loss.id);
    if (dataset == Dataset.CSV) q.put("csv", csv);
    if (dataset.inputs() == 2) q.put("features", features.stream().map(f -> f.id).collect(Collectors.joining(",")));
    return q;
  }

  private static String number(double v) {
    // Short and exact for the decimals a person types: 0.03 stays "0.03", 1.0 becomes "1".
    String s = java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    return s.equals("-0") ? "0" : s;
  }
}
