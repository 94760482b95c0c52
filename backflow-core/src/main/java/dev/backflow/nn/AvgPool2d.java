package dev.backflow.nn;

import dev.backflow.ops.Convolutions;
import dev.backflow.tensor.Tensor;

/** Mean over k x k windows (stride defaults to k). */
public final class AvgPool2d extends Module {
  private final int kernel, stride, padding;

  /** Mean over k×k windows with stride k. */
  public AvgPool2d(int kernel) {
    this(kernel, kernel, 0);
  }

  /** Mean over k×k windows with the given stride and zero padding. */
  public AvgPool2d(int kernel, int stride, int padding) {
    if (kernel <= 0 || stride <= 0 || padding < 0 || 2 * padding > kernel) {
      throw new IllegalArgumentException("AvgPool2d: need kernel > 0, stride > 0 and 0 <= padding <= kernel/2, got kernel "
          + kernel + ", stride " + stride + ", padding " + padding);
    }
    this.kernel = kernel;
    this.stride = stride;
    this.padding = padding;
  }

  @Override
  public Tensor forward(Tensor x) {
    return Convolutions.avgPool2d(x, kernel, stride, padding, true);
  }

  @Override
  protected String extraRepr() {
    return "kernel=" + kernel + ", stride=" + stride;
  }
}
