package dev.backflow.nn;

import dev.backflow.ops.Convolutions;
import dev.backflow.tensor.Tensor;

/** Mean over k x k windows (stride defaults to k). */
public final class AvgPool2d extends Module {
  private final int kernel, stride, padding;

  /**
   * Mean over k×k windows with stride k.
   * Like {@code torch.nn.AvgPool2d(kernel)}; takes {@code [N, C, H, W]} to {@code [N, C, H / k, W / k]}.
   *
   * @param kernel the window's side k, at least 1
   * @throws IllegalArgumentException if {@code kernel} is not positive
   */
  public AvgPool2d(int kernel) {
    this(kernel, kernel, 0);
  }

  /**
   * Mean over k×k windows with the given stride and zero padding.
   * Like {@code torch.nn.AvgPool2d(kernel, stride, padding)}; padded positions count in each window's mean
   * ({@code count_include_pad=True}).
   *
   * @param kernel the window's side, at least 1
   * @param stride the step between windows, at least 1
   * @param padding zeros added on each side, from 0 to {@code kernel / 2}
   * @throws IllegalArgumentException if a setting is out of range
   */
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
