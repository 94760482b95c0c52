package dev.backflow.nn;

import dev.backflow.Backflow;
import dev.backflow.ops.Linalg;
import dev.backflow.tensor.Tensor;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/** y = x Wᵀ + b, with weight [out, in], initialized as PyTorch's Linear (U(±1/√in) for both). */
public final class Linear extends Module {
  /** The weight [out, in]. */
  public final Tensor weight;
  /** The bias [out], or null when built without one. */
  public final Tensor bias;
  private final int in, out;

  /**
   * A layer with bias, initialized from the default generator ({@link dev.backflow.Backflow#manualSeed}).
   *
   * @param in input features
   * @param out output features
   */
  public Linear(int in, int out) {
    this(in, out, true, Backflow.generator());
  }

  /**
   * A layer initialized from the default generator.
   *
   * @param in input features
   * @param out output features
   * @param bias whether to add a learned bias
   */
  public Linear(int in, int out, boolean bias) {
    this(in, out, bias, Backflow.generator());
  }

  /**
   * A layer with bias, initialized from {@code rng}.
   *
   * @param in input features
   * @param out output features
   * @param rng the generator of the initial weights
   */
  public Linear(int in, int out, RandomGenerator rng) {
    this(in, out, true, rng);
  }

  /**
   * A layer initialized from {@code rng}.
   *
   * @param in input features
   * @param out output features
   * @param bias whether to add a learned bias
   * @param rng the generator of the initial weights
   */
  public Linear(int in, int out, boolean bias, RandomGenerator rng) {
    if (in <= 0 || out <= 0) throw new IllegalArgumentException("Linear: sizes must be positive, got in=" + in + ", out=" + out);
    this.in = in;
    this.out = out;
    // kaiming_uniform(a=√5) reduces to U(-1/√in, 1/√in), PyTorch's default for Linear.
    float bound = (float) (1 / Math.sqrt(in));
    this.weight = registerParameter("weight", Tensor.uniform(rng, -bound, bound, out, in));
    this.bias = bias ? registerParameter("bias", Tensor.uniform(rng, -bound, bound, out)) : null;
  }

  /**
   * Applies the layer to the last dim.
   *
   * @param x input [..., in]
   * @return output [..., out]
   */
  @Override
  public Tensor forward(Tensor x) {
    if (x.dim() == 0 || x.shape(-1) != in) {
      throw new IllegalArgumentException("Linear(in=" + in + ", out=" + out + "): input of shape " + Arrays.toString(x.shape())
          + " does not end in " + in + " features");
    }
    return Linalg.linear(x, weight, bias);
  }

  @Override
  protected String extraRepr() {
    return "in=" + in + ", out=" + out + (bias == null ? ", bias=false" : "");
  }
}
