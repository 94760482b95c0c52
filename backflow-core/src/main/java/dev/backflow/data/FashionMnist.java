package dev.backflow.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fashion-MNIST (60,000 training and 10,000 test images of 28x28, 10 classes) from Debian's
 * {@code dataset-fashion-mnist} package, or any directory holding the four IDX files. Pixels are scaled to
 * [0, 1] and then standardized with the training set's mean and standard deviation (0.2860, 0.3530).
 */
public final class FashionMnist {
  /** Where Debian's dataset-fashion-mnist package puts the files. */
  public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");
  /** The names of the ten classes, by label. */
  public static final String[] CLASSES = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
      "Sneaker", "Bag", "Ankle boot"};
  private static final float MEAN = 0.2860f, STD = 0.3530f;

  private FashionMnist() {}

  /**
   * The training split, images as [784] vectors (or [1, 28, 28] when {@code asImages}).
   * The 60,000 images of the training split.
   *
   * @param dir a directory holding the IDX files, plain or gzipped, such as {@link #DEFAULT_DIR}
   * @param asImages true for {@code [1, 28, 28]} examples (for a CNN), false for flat {@code [784]} ones (for an MLP)
   * @return the split, with labels 0 to 9 (see {@link #CLASSES})
   * @throws IOException if the files are missing (the message says how to install them), unreadable or malformed
   */
  public static ByteImageDataset train(Path dir, boolean asImages) throws IOException {
    return load(dir, "train", asImages);
  }

  /**
   * The 10,000 test images, as [1, 28, 28] images or flat 784-vectors.
   * @param dir a directory holding the IDX files, plain or gzipped, such as {@link #DEFAULT_DIR}
   * @param asImages true for {@code [1, 28, 28]} examples (for a CNN), false for flat {@code [784]} ones (for an MLP)
   * @return the split, with labels 0 to 9 (see {@link #CLASSES})
   * @throws IOException if the files are missing (the message says how to install them), unreadable or malformed
   */
  public static ByteImageDataset test(Path dir, boolean asImages) throws IOException {
    return load(dir, "t10k", asImages);
  }

  /**
   * Whether {@code dir} holds the four IDX files.
   * @param dir the directory to look in
   * @return true if the training images and test labels are there, plain or gzipped
   */
  public static boolean isAvailable(Path dir) {
    return find(dir, "train-images-idx3-ubyte") != null && find(dir, "t10k-labels-idx1-ubyte") != null;
  }

  private static ByteImageDataset load(Path dir, String split, boolean asImages) throws IOException {
    Path images = find(dir, split + "-images-idx3-ubyte"), labels = find(dir, split + "-labels-idx1-ubyte");
    if (images == null || labels == null) {
      throw new IOException("Fashion-MNIST " + split + " files not found in " + dir + ". Install them with "
          + "`sudo apt-get install dataset-fashion-mnist` (they go to " + DEFAULT_DIR + "), or pass a directory "
          + "holding " + split + "-images-idx3-ubyte[.gz] and " + split + "-labels-idx1-ubyte[.gz]");
    }
    IdxReader.Bytes x = IdxReader.readBytes(images), y = IdxReader.readBytes(labels);
    int[] xs = x.shape(), ys = y.shape();
    if (xs.length != 3 || ys.length != 1 || xs[0] != ys[0] || xs[1] != 28 || xs[2] != 28) {
      throw new IOException(images + " / " + labels + ": expected [n, 28, 28] images and [n] labels, got "
          + java.util.Arrays.toString(xs) + " and " + java.util.Arrays.toString(ys));
    }
    int[] l = new int[ys[0]];
    for (int i = 0; i < l.length; i++) {
      l[i] = y.data()[i] & 0xff;
      if (l[i] > 9) throw new IOException(labels + ": label " + l[i] + " at position " + i + " is not a class 0..9");
    }
    return new ByteImageDataset(x.data(), l, asImages ? new int[] {1, 28, 28} : new int[] {784}, MEAN, STD);
  }

  private static Path find(Path dir, String base) {
    for (String name : new String[] {base, base + ".gz"}) {
      Path p = dir.resolve(name);
      if (Files.isRegularFile(p)) return p;
    }
    return null;
  }
}
