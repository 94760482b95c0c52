package dev.backflow.data;

import dev.backflow.autograd.Autograd;
import dev.backflow.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fashion-MNIST (60,000 training and 10,000 test images of 28x28, 10 classes) from Debian's
 * {@code dataset-fashion-mnist} package, or any directory holding the four IDX files. Pixels are scaled to
 * [0, 1] and then standardized with the training set's mean and standard deviation (0.2860, 0.3530).
 */
public final class FashionMnist {
  public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");
  public static final String[] CLASSES = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
      "Sneaker", "Bag", "Ankle boot"};
  private static final float MEAN = 0.2860f, STD = 0.3530f;

  private FashionMnist() {}

  /** The training split, images flattened to [n, 784] (or [n, 1, 28, 28] when {@code asImages}). */
  public static TensorDataset train(Path dir, boolean asImages) throws IOException {
    return load(dir, "train", asImages);
  }

  public static TensorDataset test(Path dir, boolean asImages) throws IOException {
    return load(dir, "t10k", asImages);
  }

  public static boolean isAvailable(Path dir) {
    return find(dir, "train-images-idx3-ubyte") != null && find(dir, "t10k-labels-idx1-ubyte") != null;
  }

  private static TensorDataset load(Path dir, String split, boolean asImages) throws IOException {
    Path images = find(dir, split + "-images-idx3-ubyte"), labels = find(dir, split + "-labels-idx1-ubyte");
    if (images == null || labels == null) {
      throw new IOException("Fashion-MNIST " + split + " files not found in " + dir + ". Install them with "
          + "`sudo apt-get install dataset-fashion-mnist` (they go to " + DEFAULT_DIR + "), or pass a directory "
          + "holding " + split + "-images-idx3-ubyte[.gz] and " + split + "-labels-idx1-ubyte[.gz]");
    }
    Tensor x = IdxReader.read(images), y = IdxReader.read(labels);
    if (x.dim() != 3 || y.dim() != 1 || x.shape(0) != y.shape(0) || x.shape(1) != 28 || x.shape(2) != 28) {
      throw new IOException(images + " / " + labels + ": expected [n, 28, 28] images and [n] labels, got "
          + java.util.Arrays.toString(x.shape()) + " and " + java.util.Arrays.toString(y.shape()));
    }
    if (y.max().item() > 9 || y.min().item() < 0) throw new IOException(labels + ": labels must be 0..9");
    int n = x.shape(0);
    Tensor standardized;
    try (var g = Autograd.noGrad()) {
      standardized = x.mul(1f / 255f).sub(MEAN).div(STD);
    }
    return new TensorDataset(asImages ? standardized.reshape(n, 1, 28, 28) : standardized.reshape(n, 784), y);
  }

  private static Path find(Path dir, String base) {
    for (String name : new String[] {base, base + ".gz"}) {
      Path p = dir.resolve(name);
      if (Files.isRegularFile(p)) return p;
    }
    return null;
  }
}
