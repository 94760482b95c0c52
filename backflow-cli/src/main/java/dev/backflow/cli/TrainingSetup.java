package dev.backflow.cli;

import dev.backflow.data.Dataset;
import dev.backflow.data.FashionMnist;
import dev.backflow.data.TensorDataset;
import dev.backflow.data.ToyDatasets;
import dev.backflow.nn.Models;
import dev.backflow.nn.Module;
import dev.backflow.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by train and eval: which model on which data, and how it is built. */
final class TrainingSetup {
  @Option(names = "--model", description = "mlp (784-256-128-10), cnn (2 conv blocks + fc128), toy (MLP for 2-D data); default: ${DEFAULT-VALUE}")
  String model = "mlp";

  @Option(names = "--dataset", description = "fashion-mnist, spirals, xor, circles, moons, blobs; default: ${DEFAULT-VALUE}")
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

  boolean isImageModel() {
    return model.equals("cnn");
  }

  boolean isFashion() {
    return dataset.equals("fashion-mnist");
  }

  Dataset trainSet() throws IOException {
    Dataset d = isFashion() ? FashionMnist.train(dataDir, isImageModel()) : ToyDatasets.named(dataset, 1000, 0.05, seed);
    return limit > 0 ? d.head(limit) : d;
  }

  Dataset testSet() throws IOException {
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
