package dev.backflow.nn;

import dev.backflow.autograd.Autograd;
import dev.backflow.tensor.Tensor;
import java.util.random.RandomGenerator;

/**
 * Weight initialization, as torch.nn.init. Fan-in/fan-out follow PyTorch: for a weight [out, in, k...],
 * fan_in = in * prod(k) and fan_out = out * prod(k). The gain keeps activations' variance steady.
 */
public final class Init {
  private Init() {}

  /**
   * Inputs per output unit of a weight of this shape (in × kernel area), as PyTorch counts.
   * Like PyTorch's {@code _calculate_fan_in_and_fan_out}.
   *
   * @param shape a weight's shape {@code [out, in, k...]}
   * @return {@code in} times the product of the kernel sizes
   * @throws IllegalArgumentException if {@code shape} has fewer than 2 dimensions
   */
  public static int fanIn(int[] shape) {
    if (shape.length < 2) throw new IllegalArgumentException("fan in/out needs at least 2 dims, got " + shape.length);
    return shape[1] * receptive(shape);
  }

  /**
   * Outputs per input unit of a weight of this shape (out × kernel area), as PyTorch counts.
   * @param shape a weight's shape {@code [out, in, k...]}
   * @return {@code out} times the product of the kernel sizes
   * @throws IllegalArgumentException if {@code shape} has fewer than 2 dimensions
   */
  public static int fanOut(int[] shape) {
    if (shape.length < 2) throw new IllegalArgumentException("fan in/out needs at least 2 dims, got " + shape.length);
    return shape[0] * receptive(shape);
  }

  private static int receptive(int[] shape) {
    int r = 1;
    for (int d = 2; d < shape.length; d++) r *= shape[d];
    return r;
  }

  /**
   * Recommended gains: 1 for linear/sigmoid, 5/3 for tanh, √2 for ReLU, √(2/(1+a²)) for leaky ReLU.
   * Like {@code torch.nn.init.calculate_gain}.
   *
   * @param nonlinearity one of {@code "linear"}, {@code "conv"}, {@code "sigmoid"}, {@code "tanh"}, {@code "relu"},
   *     {@code "leaky_relu"}
   * @param negativeSlope the leaky ReLU's slope a; ignored by the others
   * @return the gain to scale an initialization by
   * @throws IllegalArgumentException if the nonlinearity is none of these
   */
  public static double gain(String nonlinearity, double negativeSlope) {
    switch (nonlinearity) {
      case "linear": case "sigmoid": case "conv": return 1.0;
      case "tanh": return 5.0 / 3;
      case "relu": return Math.sqrt(2.0);
      case "leaky_relu": return Math.sqrt(2.0 / (1 + negativeSlope * negativeSlope));
      default: throw new IllegalArgumentException("gain: unknown nonlinearity '" + nonlinearity + "'");
    }
  }

  /**
   * Glorot/Xavier uniform: U(-a, a), a = gain √(6 / (fan_in + fan_out)).
   * Like {@code torch.nn.init.xavier_uniform_}, but returning a new tensor.
   *
   * @param rng the generator to draw from
   * @param gain the scale factor, see {@link #gain}
   * @param shape the weight's shape, at least 2 dimensions
   * @return a new tensor of {@code shape}
   * @throws IllegalArgumentException if {@code shape} has fewer than 2 dimensions
   */
  public static Tensor xavierUniform(RandomGenerator rng, double gain, int... shape) {
    double a = gain * Math.sqrt(6.0 / (fanIn(shape) + fanOut(shape)));
    return Tensor.uniform(rng, (float) -a, (float) a, shape);
  }

  /**
   * Glorot/Xavier normal: N(0, gain² 2 / (fan_in + fan_out)).
   * Like {@code torch.nn.init.xavier_normal_}, but returning a new tensor.
   *
   * @param rng the generator to draw from
   * @param gain the scale factor, see {@link #gain}
   * @param shape the weight's shape, at least 2 dimensions
   * @return a new tensor of {@code shape}
   * @throws IllegalArgumentException if {@code shape} has fewer than 2 dimensions
   */
  public static Tensor xavierNormal(RandomGenerator rng, double gain, int... shape) {
    double std = gain * Math.sqrt(2.0 / (fanIn(shape) + fanOut(shape)));
    return scaled(Tensor.randn(rng, shape), std);
  }

  /**
   * He/Kaiming uniform on fan_in: U(-b, b), b = gain √(3 / fan_in).
   * Like {@code torch.nn.init.kaiming_uniform_} in fan-in mode, but returning a new tensor and taking the gain itself
   * (e.g. {@code gain("relu", 0)}).
   *
   * @param rng the generator to draw from
   * @param gain the scale factor, see {@link #gain}
   * @param shape the weight's shape, at least 2 dimensions
   * @return a new tensor of {@code shape}
   * @throws IllegalArgumentException if {@code shape} has fewer than 2 dimensions
   */
  public static Tensor kaimingUniform(RandomGenerator rng, double gain, int... shape) {
    double bound = gain * Math.sqrt(3.0 / fanIn(shape));
    return Tensor.uniform(rng, (float) -bound, (float) bound, shape);
  }

  /**
   * He/Kaiming normal on fan_in: N(0, gain² / fan_in).
   * Like {@code torch.nn.init.kaiming_normal_} in fan-in mode, but returning a new tensor and taking the gain itself.
   *
   * @param rng the generator to draw from
   * @param gain the scale factor, see {@link #gain}
   * @param shape the weight's shape, at least 2 dimensions
   * @return a new tensor of {@code shape}
   * @throws IllegalArgumentException if {@code shape} has fewer than 2 dimensions
   */
  public static Tensor kaimingNormal(RandomGenerator rng, double gain, int... shape) {
    return scaled(Tensor.randn(rng, shape), gain / Math.sqrt(fanIn(shape)));
  }

  /**
   * N(0, std²) values of the given shape.
   * Like {@code torch.nn.init.normal_(t, 0, std)}, but returning a new tensor.
   *
   * @param rng the generator to draw from
   * @param std the standard deviation
   * @param shape the tensor's shape
   * @return a new tensor of {@code shape}
   */
  public static Tensor normal(RandomGenerator rng, double std, int... shape) {
    return scaled(Tensor.randn(rng, shape), std);
  }

  private static Tensor scaled(Tensor t, double s) {
    try (var g = Autograd.noGrad()) {
      return t.mul_((float) s);
    }
  }
}
