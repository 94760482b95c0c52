package dev.backflow.cli;

import dev.backflow.data.Dataset;
import dev.backflow.data.FashionMnist;
import dev.backflow.data.TensorDataset;
import dev.backflow.data.ToyDatasets;
import dev.backflow.nn.Models;
import dev.backflow.nn.Module;
import dev.backflow.tensor.Tensor;
import dev.backflow.train.LossFunction;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Option;

/** Options shared by train and eval: which model on which data, and how it is built. */
final class TrainingSetup {
  @Option(names = "--model", description = "mlp (784-256-128-10), cnn (2 conv blocks + fc128), toy (MLP for 2-D data); default: ${DEFAULT-VALUE}")
  String model = "mlp";

  /** Every --dataset name: Fashion-MNIST, then the toy sets by the list their parser uses, so help cannot drift. */
  static final List<String> DATASETS = Stream.concat(Stream.of("fashion-mnist"), ToyDatasets.NAMES.stream()).toList();

  /** Picocli's source for ${COMPLETION-CANDIDATES} in --dataset's help. */
  static final class DatasetNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return DATASETS.iterator();
    }
  }

  @Option(names = "--dataset", completionCandidates = DatasetNames.class,
      description = "${COMPLETION-CANDIDATES} (regression: y = sin(3x), mean squared error); default: ${DEFAULT-VALUE}")
  String dataset = "fashion-mnist";

  @Option(names = "--data-dir", description = "directory with the Fashion-MNIST IDX files; default: ${DEFAULT-VALUE}")
  Path dataDir = FashionMnist.DEFAULT_DIR;

  @Option(names = "--limit", description = "use only the first N training examples (0 = all)")
  int limit;

  @Option(names = "--seed", description = "seed for initialization and shuffling; default: ${DEFAULT-VALUE}")
  long seed = 0;

  @Option(names = "--hidden", split = ",", description = "hidden sizes of the toy MLP; default: 32,32")
  int[] hidden = {32, 32};

  @Option(names = "--activation", description = "activation of the toy MLP; default: ${DEFAULT-VALUE}")
  String activation = "relu";

  /**
   * What a checkpoint must record to rebuild this model and its test split: the toy MLP's hidden sizes and
   * activation, and the seed (the toy data sets' test split is drawn from it).
   */
  java.util.Map<String, String> architecture() {
    java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
    if (model.equals("toy")) {
      out.put("hidden", hiddenText(hidden));
      out.put("activation", activation);
    }
    out.put("seed", Long.toString(seed));
    return out;
  }

  static String hiddenText(int[] sizes) {
    StringBuilder sb = new StringBuilder();
    for (int h : sizes) sb.append(sb.length() == 0 ? "" : ",").append(h);
    return sb.toString();
  }

  boolean isImageModel() {
    return model.equals("cnn");
  }

  boolean isFashion() {
    return dataset.equals("fashion-mnist");
  }

  /** The toy regression set: one real target per example, so mean squared error and no accuracy. */
  boolean isRegression() {
    return dataset.equals("regression");
  }

  LossFunction lossFunction() {
    return isRegression() ? LossFunction.mse() : LossFunction.crossEntropy();
  }

  /** Refuses a --dataset name that no parser knows, listing the names that work. */
  void requireKnownDataset() {
    if (!DATASETS.contains(dataset)) {
      throw new IllegalArgumentException("unknown --dataset '" + dataset + "' (expected one of " + String.join(", ", DATASETS) + ")");
    }
  }

  /**
   * Examples per epoch of a 2-D data set: they cost nothing to draw, and at 1,000 a few epochs were too few
   * steps for spirals (3 epochs ended at chance); 8,000 learn it to ~95% test accuracy in 3 epochs.
   */
  static final int TOY_TRAIN_SIZE = 8000;

  Dataset trainSet() throws IOException {
    requireKnownDataset();
    Dataset d = isFashion() ? FashionMnist.train(dataDir, isImageModel()) : ToyDatasets.named(dataset, TOY_TRAIN_SIZE, 0.05, seed);
    return limit > 0 ? d.head(limit) : d;
  }

  Dataset testSet() throws IOException {
    requireKnownDataset();
    return isFashion() ? FashionMnist.test(dataDir, isImageModel()) : ToyDatasets.named(dataset, 500, 0.05, seed + 1);
  }

  Module buildModel(Dataset data) {
    switch (model) {
      case "mlp":
        requireFashion();
        return Models.fashionMlp(seed);
      case "cnn":
        requireFashion();
        return Models.fashionCnn(seed);
      case "toy":
        if (isFashion()) throw new IllegalArgumentException("--model toy is for the 2-D datasets, not fashion-mnist");
        if (isRegression()) return Models.toyMlp(1, hidden, activation, 1, seed);
        Tensor y = ((TensorDataset) data).targets();
        int classes = (int) y.max().item() + 1;
        return Models.toyMlp(hidden, activation, classes, seed);
      default:
        throw new IllegalArgumentException("unknown --model '" + model + "' (expected mlp, cnn or toy)");
    }
  }

  private void requireFashion() {
    if (!isFashion()) throw new IllegalArgumentException("--model " + model + " needs --dataset fashion-mnist; use --model toy for " + dataset);
  }
}
