package dev.backflow.backend;

/**
 * Geometry of 2-D pooling over NCHW input (floor mode, as PyTorch's default), as the arguments of
 * {@code torch.nn.functional.max_pool2d} and {@code avg_pool2d}.
 *
 * @param kernelH the window's height
 * @param kernelW the window's width
 * @param strideH the step between windows, in input rows
 * @param strideW the step between windows, in input columns
 * @param padH implicit padding above and below (negative infinity for max, zeros or excluded for average)
 * @param padW implicit padding left and right
 * @param dilationH the spacing between window rows (1: adjacent)
 * @param dilationW the spacing between window columns (1: adjacent)
 * @param countIncludePad for average pooling, whether padded positions count in the divisor (PyTorch's
 *     {@code count_include_pad})
 */
public record Pool2dSpec(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                         int dilationH, int dilationW, boolean countIncludePad) {

  /**
   * The output height, floor((inH + 2 padH - dilationH (kernelH - 1) - 1) / strideH) + 1.
   *
   * @param inH the input height
   * @return the number of output rows
   */
  public int outH(int inH) {
    return (inH + 2 * padH - dilationH * (kernelH - 1) - 1) / strideH + 1;
  }

  /**
   * The output width, floor((inW + 2 padW - dilationW (kernelW - 1) - 1) / strideW) + 1.
   *
   * @param inW the input width
   * @return the number of output columns
   */
  public int outW(int inW) {
    return (inW + 2 * padW - dilationW * (kernelW - 1) - 1) / strideW + 1;
  }
}
