package dev.backflow.data;

import dev.backflow.tensor.Tensor;
import java.util.Arrays;

/**
 * Images kept as their original unsigned bytes (a quarter of the memory of floats) and converted to
 * standardized floats, (pixel/255 - mean)/std, one batch at a time.
 */
public final class ByteImageDataset implements Dataset {
  private final byte[] pixels;
  private final float[] labels;
  private final int[] exampleShape;
  private final int exampleSize, count;
  private final float mean, std;
  private final float[] levels = new float[256];

  /**
   * Images stored as bytes, standardized as (pixel/255 - mean)/std when a batch is made.
   * The arrays are kept, not copied: do not change them afterwards.
   *
   * @param pixels every image's bytes, one image after another, each in row-major order of {@code exampleShape}
   * @param labels each image's class index
   * @param exampleShape one image's shape, e.g. {@code [1, 28, 28]}
   * @param mean the mean subtracted after scaling pixels to [0, 1]
   * @param std the standard deviation divided by, positive
   * @throws IllegalArgumentException if the number of bytes is not one image per label, or {@code std} is not positive
   */
  public ByteImageDataset(byte[] pixels, int[] labels, int[] exampleShape, float mean, float std) {
    int size = 1;
    for (int s : exampleShape) size *= s;
    if (size <= 0 || pixels.length % size != 0 || pixels.length / size != labels.length) {
      throw new IllegalArgumentException("ByteImageDataset: " + pixels.length + " bytes of " + Arrays.toString(exampleShape)
          + " images do not match " + labels.length + " labels");
    }
    if (!(std > 0)) throw new IllegalArgumentException("ByteImageDataset: std must be positive, got " + std);
    this.pixels = pixels;
    this.labels = new float[labels.length];
    for (int i = 0; i < labels.length; i++) this.labels[i] = labels[i];
    this.exampleShape = exampleShape.clone();
    this.exampleSize = size;
    this.count = labels.length;
    this.mean = mean;
    this.std = std;
    // A byte has 256 values: standardize each once, then a batch is one table read per pixel.
    float scale = 1f / (255f * std), shift = -mean / std;
    for (int v = 0; v < 256; v++) levels[v] = v * scale + shift;
  }

  @Override
  public int size() {
    return count;
  }

  @Override
  public Batch batch(int[] indices) {
    float[] x = new float[indices.length * exampleSize];
    long[] y = new long[indices.length];
    float[] value = levels;
    for (int b = 0; b < indices.length; b++) {
      int i = indices[b];
      if (i < 0 || i >= count) throw new IndexOutOfBoundsException("example " + i + " of " + count);
      int src = i * exampleSize, dst = b * exampleSize;
      for (int k = 0; k < exampleSize; k++) x[dst + k] = value[pixels[src + k] & 0xff];
      y[b] = (long) labels[i];
    }
    int[] shape = new int[exampleShape.length + 1];
    shape[0] = indices.length;
    System.arraycopy(exampleShape, 0, shape, 1, exampleShape.length);
    // class labels as INT64, as torchvision's FashionMNIST gives them
    return new Batch(Tensor.of(x, shape), Tensor.ofLongs(y, indices.length));
  }

  @Override
  public ByteImageDataset head(int n) {
    if (n <= 0) throw new IllegalArgumentException("head: the number of examples must be positive, got " + n);
    int m = Math.min(n, count);
    int[] l = new int[m];
    for (int i = 0; i < m; i++) l[i] = (int) labels[i];
    return new ByteImageDataset(Arrays.copyOf(pixels, m * exampleSize), l, exampleShape, mean, std);
  }

  /**
   * All examples as one batch (for small sets).
   * @return float inputs {@code [N, ...exampleShape]} and INT64 targets {@code [N]}
   */
  public Batch all() {
    int[] idx = new int[count];
    for (int i = 0; i < count; i++) idx[i] = i;
    return batch(idx);
  }
}
