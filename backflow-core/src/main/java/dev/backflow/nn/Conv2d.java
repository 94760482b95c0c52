package dev.backflow.nn;

import dev.backflow.Backflow;
import dev.backflow.ops.Convolutions;
import dev.backflow.tensor.Tensor;
import java.util.random.RandomGenerator;

/**
 * 2-D convolution over NCHW input, weight [out, in/groups, k, k], PyTorch's default initialization.
 * Options that PyTorch passes by keyword are set on a {@link #builder}, so padding does not force stride:
 *
 * <pre>{@code
 * Conv2d conv = Conv2d.builder(1, 16, 3).padding(1).build();   // nn.Conv2d(1, 16, 3, padding=1)
 * }</pre>
 */
public final class Conv2d extends Module {
  /** The kernels [out, in/groups, k, k]. */
  public final Tensor weight;
  /** The bias [out], or null when built without one. */
  public final Tensor bias;
  private final int in, out, kernel, stride, padding, dilation, groups;

  /**
   * A convolution with stride 1, no padding and a bias, initialized from the default generator.
   *
   * @param in input channels
   * @param out output channels
   * @param kernel the kernel's height and width
   */
  public Conv2d(int in, int out, int kernel) {
    this(in, out, kernel, 1, 0, 1, 1, true, Backflow.generator());
  }

  /**
   * A convolution with stride 1, no padding and a bias.
   *
   * @param in input channels
   * @param out output channels
   * @param kernel the kernel's height and width
   * @param rng the generator of the initial weights
   */
  public Conv2d(int in, int out, int kernel, RandomGenerator rng) {
    this(in, out, kernel, 1, 0, 1, 1, true, rng);
  }

  /**
   * A convolution with a bias.
   *
   * @param in input channels
   * @param out output channels
   * @param kernel the kernel's height and width
   * @param stride the step between windows
   * @param padding zeros added on each side
   * @param rng the generator of the initial weights
   */
  public Conv2d(int in, int out, int kernel, int stride, int padding, RandomGenerator rng) {
    this(in, out, kernel, stride, padding, 1, 1, true, rng);
  }

  /**
   * A convolution with every option (see {@link #builder} for named ones).
   *
   * @param in input channels
   * @param out output channels
   * @param kernel the kernel's height and width
   * @param stride the step between windows
   * @param padding zeros added on each side
   * @param dilation the spacing of kernel taps
   * @param groups channel groups (in and out must be divisible by it)
   * @param bias whether to add a learned bias
   * @param rng the generator of the initial weights
   */
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

  /**
   * Named options, PyTorch's keywords: stride 1, padding 0, dilation 1, groups 1, a bias, and the default
   * generator unless {@link Builder#rng} says otherwise.
   *
   * @param in input channels
   * @param out output channels
   * @param kernel the kernel's height and width
   * @return a builder; finish with {@link Builder#build()}
   */
  public static Builder builder(int in, int out, int kernel) {
    return new Builder(in, out, kernel);
  }

  /** Options of a {@link Conv2d}; each setter returns the builder. */
  public static final class Builder {
    private final int in, out, kernel;
    private int stride = 1, padding, dilation = 1, groups = 1;
    private boolean bias = true;
    private RandomGenerator rng;

    private Builder(int in, int out, int kernel) {
      this.in = in;
      this.out = out;
      this.kernel = kernel;
    }

    /**
     * The step between windows (default 1).
     *
     * @param stride a positive step
     * @return this builder
     */
    public Builder stride(int stride) {
      this.stride = stride;
      return this;
    }

    /**
     * Zeros added on each side (default 0); {@code kernel / 2} keeps the size at stride 1 for odd kernels.
     *
     * @param padding zeros per side
     * @return this builder
     */
    public Builder padding(int padding) {
      this.padding = padding;
      return this;
    }

    /**
     * The spacing of kernel taps (default 1).
     *
     * @param dilation a positive spacing
     * @return this builder
     */
    public Builder dilation(int dilation) {
      this.dilation = dilation;
      return this;
    }

    /**
     * Channel groups (default 1; {@code in} for a depthwise convolution).
     *
     * @param groups a divisor of both channel counts
     * @return this builder
     */
    public Builder groups(int groups) {
      this.groups = groups;
      return this;
    }

    /**
     * Whether to add a learned bias (default true).
     *
     * @param bias false to leave it out
     * @return this builder
     */
    public Builder bias(boolean bias) {
      this.bias = bias;
      return this;
    }

    /**
     * The generator of the initial weights (default: {@link Backflow#generator()}).
     *
     * @param rng a generator
     * @return this builder
     */
    public Builder rng(RandomGenerator rng) {
      this.rng = rng;
      return this;
    }

    /**
     * Builds the layer.
     *
     * @return a new Conv2d
     * @throws IllegalArgumentException for sizes that do not fit
     */
    public Conv2d build() {
      return new Conv2d(in, out, kernel, stride, padding, dilation, groups, bias, rng == null ? Backflow.generator() : rng);
    }
  }

  /**
   * Convolves a batch.
   *
   * @param x input [N, in, H, W]
   * @return output [N, out, H', W']
   */
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
