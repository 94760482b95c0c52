package dev.backflow.web.engine;

import dev.backflow.data.TensorDataset;
import dev.backflow.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * The playground's regression set: y = bump at (−0.4, 0.4) − bump at (0.4, −0.4) over [−1, 1]², with
 * Gaussian bumps of width 0.35 and noise added to y. Two inputs, so its fit draws as a heatmap like the
 * classification sets do (as TensorFlow Playground's "regress gaussian").
 */
final class TwoBumps {
  private static final double WIDTH = 0.35;

  private TwoBumps() {}

  static TensorDataset make(int n, double noise, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[2 * n], y = new float[n];
    for (int i = 0; i < n; i++) {
      double a = r.nextDouble() * 2 - 1, b = r.nextDouble() * 2 - 1;
      x[2 * i] = (float) a;
      x[2 * i + 1] = (float) b;
      y[i] = (float) (value(a, b) + noise * r.nextGaussian());
    }
    return new TensorDataset(Tensor.of(x, n, 2), Tensor.of(y, n));
  }

  static double value(double a, double b) {
    return bump(a + 0.4, b - 0.4) - bump(a - 0.4, b + 0.4);
  }

  private static double bump(double dx, double dy) {
    return Math.exp(-(dx * dx + dy * dy) / (2 * WIDTH * WIDTH));
  }
}
