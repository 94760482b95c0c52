package dev.backflow.data;

import dev.backflow.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * Small 2-D datasets made in code (as TensorFlow Playground's), reproducible from a seed. Inputs are
 * [n, 2]; classification targets are class indices [n]; the regression set is [n, 1] -> [n, 1].
 */
public final class ToyDatasets {
  private ToyDatasets() {}

  /**
   * The four XOR points, targets [4] (0, 1, 1, 0).
   * @return inputs {@code [4, 2]} (the corners of the unit square) and class indices {@code [4]}
   */
  public static TensorDataset xor() {
    return new TensorDataset(Tensor.of(new float[] {0, 0, 0, 1, 1, 0, 1, 1}, 4, 2), Tensor.of(0, 1, 1, 0));
  }

  /**
   * Points in the four quadrants of [-1, 1]², labelled 1 where x·y &lt; 0 (Playground's XOR).
   * @param n the number of points, positive
   * @param noise the standard deviation of Gaussian noise added to each coordinate, 0 or more
   * @param seed the seed: the same seed gives the same points
   * @return inputs {@code [n, 2]} and class indices {@code [n]}
   * @throws IllegalArgumentException if {@code n} is not positive or {@code noise} is negative
   */
  public static TensorDataset xorQuadrants(int n, double noise, long seed) {
    SplittableRandom r = rng(n, noise, seed);
    float[] x = new float[2 * n], y = new float[n];
    for (int i = 0; i < n; i++) {
      double a = r.nextDouble() * 2 - 1, b = r.nextDouble() * 2 - 1;
      a += a > 0 ? 0.05 : -0.05;
      b += b > 0 ? 0.05 : -0.05;
      y[i] = a * b < 0 ? 1 : 0;
      x[2 * i] = (float) (a + noise * r.nextGaussian());
      x[2 * i + 1] = (float) (b + noise * r.nextGaussian());
    }
    return new TensorDataset(Tensor.of(x, n, 2), Tensor.of(y, n));
  }

  /**
   * Two interleaved spirals, {@code n} points in all, each arm turning 1.75 times.
   * @param n the number of points, positive
   * @param noise the standard deviation of Gaussian noise added to each coordinate, 0 or more
   * @param seed the seed: the same seed gives the same points
   * @return inputs {@code [n, 2]} and class indices {@code [n]} (alternating 0 and 1)
   * @throws IllegalArgumentException if {@code n} is not positive or {@code noise} is negative
   */
  public static TensorDataset spirals(int n, double noise, long seed) {
    SplittableRandom r = rng(n, noise, seed);
    float[] x = new float[2 * n], y = new float[n];
    for (int i = 0; i < n; i++) {
      int cls = i % 2;
      double t = (double) (i / 2) / Math.max(1, n / 2) ;
      double radius = 0.1 + 0.9 * t, angle = 1.75 * 2 * Math.PI * t + cls * Math.PI;
      x[2 * i] = (float) (radius * Math.cos(angle) + noise * r.nextGaussian());
      x[2 * i + 1] = (float) (radius * Math.sin(angle) + noise * r.nextGaussian());
      y[i] = cls;
    }
    return new TensorDataset(Tensor.of(x, n, 2), Tensor.of(y, n));
  }

  /**
   * An inner disc (class 1) inside an outer ring (class 0).
   * @param n the number of points, positive
   * @param noise the standard deviation of Gaussian noise added to each coordinate, 0 or more
   * @param seed the seed: the same seed gives the same points
   * @return inputs {@code [n, 2]} and class indices {@code [n]} (alternating 0 and 1)
   * @throws IllegalArgumentException if {@code n} is not positive or {@code noise} is negative
   */
  public static TensorDataset circles(int n, double noise, long seed) {
    SplittableRandom r = rng(n, noise, seed);
    float[] x = new float[2 * n], y = new float[n];
    for (int i = 0; i < n; i++) {
      int cls = i % 2;
      double radius = cls == 1 ? r.nextDouble() * 0.45 : 0.65 + r.nextDouble() * 0.35;
      double angle = r.nextDouble() * 2 * Math.PI;
      x[2 * i] = (float) (radius * Math.cos(angle) + noise * r.nextGaussian());
      x[2 * i + 1] = (float) (radius * Math.sin(angle) + noise * r.nextGaussian());
      y[i] = cls;
    }
    return new TensorDataset(Tensor.of(x, n, 2), Tensor.of(y, n));
  }

  /**
   * Two interleaving half-moons (scikit-learn's make_moons), scaled into about [-1, 1]².
   * @param n the number of points, positive
   * @param noise the standard deviation of Gaussian noise added to each coordinate, 0 or more
   * @param seed the seed: the same seed gives the same points
   * @return inputs {@code [n, 2]} and class indices {@code [n]} (alternating 0 and 1)
   * @throws IllegalArgumentException if {@code n} is not positive or {@code noise} is negative
   */
  public static TensorDataset moons(int n, double noise, long seed) {
    SplittableRandom r = rng(n, noise, seed);
    float[] x = new float[2 * n], y = new float[n];
    for (int i = 0; i < n; i++) {
      int cls = i % 2;
      double t = Math.PI * r.nextDouble();
      double a = cls == 0 ? Math.cos(t) : 1 - Math.cos(t), b = cls == 0 ? Math.sin(t) : 0.5 - Math.sin(t);
      x[2 * i] = (float) ((a - 0.5) / 1.5 + noise * r.nextGaussian());
      x[2 * i + 1] = (float) ((b - 0.25) / 1.5 + noise * r.nextGaussian());
      y[i] = cls;
    }
    return new TensorDataset(Tensor.of(x, n, 2), Tensor.of(y, n));
  }

  /**
   * {@code classes} Gaussian blobs with centres on a circle of radius 0.6 and standard deviation 0.15 + noise.
   * @param n the number of points, positive
   * @param classes the number of blobs, at least 2
   * @param noise added to each blob's standard deviation, 0 or more
   * @param seed the seed: the same seed gives the same points
   * @return inputs {@code [n, 2]} and class indices {@code [n]} (0 to {@code classes - 1}, in turn)
   * @throws IllegalArgumentException if {@code n} is not positive, {@code classes} is less than 2, or {@code noise} is
   *     negative
   */
  public static TensorDataset blobs(int n, int classes, double noise, long seed) {
    if (classes < 2) throw new IllegalArgumentException("blobs: need at least 2 classes, got " + classes);
    SplittableRandom r = rng(n, noise, seed);
    float[] x = new float[2 * n], y = new float[n];
    for (int i = 0; i < n; i++) {
      int cls = i % classes;
      double angle = 2 * Math.PI * cls / classes, sd = 0.15 + noise;
      x[2 * i] = (float) (0.6 * Math.cos(angle) + sd * r.nextGaussian());
      x[2 * i + 1] = (float) (0.6 * Math.sin(angle) + sd * r.nextGaussian());
      y[i] = cls;
    }
    return new TensorDataset(Tensor.of(x, n, 2), Tensor.of(y, n));
  }

  /**
   * y = sin(3x) + noise over x in [-1, 1]: inputs [n, 1], targets [n, 1].
   * @param n the number of points, positive
   * @param noise the standard deviation of Gaussian noise added to each coordinate, 0 or more
   * @param seed the seed: the same seed gives the same points
   * @return inputs {@code [n, 1]} and targets {@code [n, 1]}
   * @throws IllegalArgumentException if {@code n} is not positive or {@code noise} is negative
   */
  public static TensorDataset regression(int n, double noise, long seed) {
    SplittableRandom r = rng(n, noise, seed);
    float[] x = new float[n], y = new float[n];
    for (int i = 0; i < n; i++) {
      double v = r.nextDouble() * 2 - 1;
      x[i] = (float) v;
      y[i] = (float) (Math.sin(3 * v) + noise * r.nextGaussian());
    }
    return new TensorDataset(Tensor.of(x, n, 1), Tensor.of(y, n, 1));
  }

  /** The names {@link #named} accepts, in the order help texts list them. */
  public static final java.util.List<String> NAMES = java.util.List.of("xor", "spirals", "circles", "moons", "blobs", "regression");

  /**
   * By name: one of {@link #NAMES}.
   * "xor" is {@link #xorQuadrants} and "blobs" has 3 classes.
   *
   * @param name one of {@link #NAMES}
   * @param n the number of points, positive
   * @param noise the standard deviation of Gaussian noise added to each coordinate, 0 or more
   * @param seed the seed: the same seed gives the same points
   * @return the dataset: inputs {@code [n, 2]} and class indices {@code [n]}, or {@code [n, 1]} and {@code [n, 1]} for
   *     "regression"
   * @throws IllegalArgumentException if the name is unknown (the message lists the valid ones), {@code n} is not
   *     positive or {@code noise} is negative
   */
  public static TensorDataset named(String name, int n, double noise, long seed) {
    switch (name) {
      case "xor": return xorQuadrants(n, noise, seed);
      case "spirals": return spirals(n, noise, seed);
      case "circles": return circles(n, noise, seed);
      case "moons": return moons(n, noise, seed);
      case "blobs": return blobs(n, 3, noise, seed);
      case "regression": return regression(n, noise, seed);
      default: throw new IllegalArgumentException("unknown dataset '" + name + "' (expected one of " + String.join(", ", NAMES) + ")");
    }
  }

  private static SplittableRandom rng(int n, double noise, long seed) {
    if (n <= 0) throw new IllegalArgumentException("dataset size must be positive, got " + n);
    if (!(noise >= 0)) throw new IllegalArgumentException("noise must be 0 or more, got " + noise);
    return new SplittableRandom(seed);
  }
}
