package dev.backflow.nn;

import dev.backflow.ops.Linalg;
import dev.backflow.tensor.Tensor;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/** y = x Wᵀ + b, with weight [out, in], initialized as PyTorch's Linear (U(±1/√in) for both). */
public final class Linear extends Module {
  public final Tensor weight, bias;
  private final int in, out;

  public Linear(int in, int out, RandomGenerator rng) {
    this(in, out, true, rng);
  }

  public Linear(int in, int out, boolean bias, RandomGenerator rng) {
    if (in <= 0 || out <= 0) throw new IllegalArgumentException("Linear: sizes must be positive, got in=" + in + ", out=" + out);
    this.in = in;
    this.out = out;
    // kaiming_uniform(a=√5) reduces to U(-1/√in, 1/√in), PyTorch's default for Linear.
    float bound = (float) (1 / Math.sqrt(in));
    this.weight = registerParameter("weight", Tensor.uniform(rng, -bound, bound, out, in));
    this.bias = bias ? registerParameter("bias", Tensor.uniform(rng, -bound, bound, out)) : null;
  }

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
