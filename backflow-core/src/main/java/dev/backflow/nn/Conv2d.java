package dev.backflow.nn;

import dev.backflow.ops.Convolutions;
import dev.backflow.tensor.Tensor;
import java.util.random.RandomGenerator;

/** 2-D convolution over NCHW input, weight [out, in/groups, k, k], PyTorch's default initialization. */
public final class Conv2d extends Module {
  public final Tensor weight, bias;
  private final int in, out, kernel, stride, padding, dilation, groups;

  public Conv2d(int in, int out, int kernel, RandomGenerator rng) {
    this(in, out, kernel, 1, 0, 1, 1, true, rng);
  }

  public Conv2d(int in, int out, int kernel, int stride, int padding, RandomGenerator rng) {
    this(in, out, kernel, stride, padding, 1, 1, true, rng);
  }

  public Conv2d(int in, int out, int kernel, int stride, int padding, int dilation, int groups, boolean bias,
                RandomGenerator rng) {
    if (in <= 0 || out <= 0 || kernel <= 0 || groups <= 0 || in % groups != 0 || out % groups != 0) {
      throw new IllegalArgumentException("Conv2d: need positive sizes with in (" + in + ") and out (" + out
          + ") divisible by groups (" + groups + "), kernel " + kernel);
    }
    this.in = in;
    this.out = out;
    this.kernel = kernel;
    this.stride = stride;
    this.padding = padding;
    this.dilation = dilation;
    this.groups = groups;
    float bound = (float) (1 / Math.sqrt((double) in / groups * kernel * kernel));
    this.weight = registerParameter("weight", Tensor.uniform(rng, -bound, bound, out, in / groups, kernel, kernel));
    this.bias = bias ? registerParameter("bias", Tensor.uniform(rng, -bound, bound, out)) : null;
  }

  @Override
  public Tensor forward(Tensor x) {
    return Convolutions.conv2d(x, weight, bias, stride, padding, dilation, groups);
  }

  @Override
  protected String extraRepr() {
    return in + ", " + out + ", kernel=" + kernel + ", stride=" + stride + ", padding=" + padding
        + (dilation != 1 ? ", dilation=" + dilation : "") + (groups != 1 ? ", groups=" + groups : "");
  }
}
