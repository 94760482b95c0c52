package dev.backflow.nn;

import dev.backflow.ops.Convolutions;
import dev.backflow.tensor.Tensor;

/** Max over k x k windows (stride defaults to k). */
public final class MaxPool2d extends Module {
  private final int kernel, stride, padding;

  /**
   * Max over k×k windows with stride k.
   * Like {@code torch.nn.MaxPool2d(kernel)}; takes {@code [N, C, H, W]} to {@code [N, C, H / k, W / k]}.
   *
   * @param kernel the window's side k, at least 1
   * @throws IllegalArgumentException if {@code kernel} is not positive
   */
  public MaxPool2d(int kernel) {
    this(kernel, kernel, 0);
  }

  /**
   * Max over k×k windows with the given stride and padding.
   * Like {@code torch.nn.MaxPool2d(kernel, stride, padding)}; padding never wins a window's maximum.
   *
   * @param kernel the window's side, at least 1
   * @param stride the step between windows, at least 1
   * @param padding implicit padding on each side, from 0 to {@code kernel / 2}
   * @throws IllegalArgumentException if a setting is out of range
   */
  public MaxPool2d(int kernel, int stride, int padding) {
    if (kernel <= 0 || stride <= 0 || padding < 0 || 2 * padding > kernel) {
      throw new IllegalArgumentException("MaxPool2d: need kernel > 0, stride > 0 and 0 <= padding <= kernel/2, got kernel "
          + kernel + ", stride " + stride + ", padding " + padding);
    }
    this.kernel = kernel;
    this.stride = stride;
    this.padding = padding;
  }

  @Override
  public Tensor forward(Tensor x) {
    return Convolutions.maxPool2d(x, kernel, stride, padding, 1);
  }

  @Override
  protected String extraRepr() {
    return "kernel=" + kernel + ", stride=" + stride;
  }
}
