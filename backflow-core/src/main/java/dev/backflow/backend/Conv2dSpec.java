package dev.backflow.backend;

/**
 * Geometry of a 2-D convolution, PyTorch's conventions (NCHW input, [out, in/groups, kh, kw] weight), as the
 * arguments of {@code torch.nn.functional.conv2d}.
 *
 * @param strideH the step between output rows, in input rows
 * @param strideW the step between output columns, in input columns
 * @param padH zero rows added above and below the input
 * @param padW zero columns added left and right of the input
 * @param dilationH the spacing between kernel rows (1: adjacent)
 * @param dilationW the spacing between kernel columns (1: adjacent)
 * @param groups how many groups the input and output channels are split into (1: every output sees every input)
 */
public record Conv2dSpec(int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int groups) {

  /**
   * The output height, floor((inH + 2 padH - dilationH (kh - 1) - 1) / strideH) + 1, as PyTorch computes it.
   *
   * @param inH the input height
   * @param kh the kernel height
   * @return the number of output rows (not positive when the kernel does not fit)
   */
  public int outH(int inH, int kh) {
    return (inH + 2 * padH - dilationH * (kh - 1) - 1) / strideH + 1;
  }

  /**
   * The output width, floor((inW + 2 padW - dilationW (kw - 1) - 1) / strideW) + 1, as PyTorch computes it.
   *
   * @param inW the input width
   * @param kw the kernel width
   * @return the number of output columns (not positive when the kernel does not fit)
   */
  public int outW(int inW, int kw) {
    return (inW + 2 * padW - dilationW * (kw - 1) - 1) / strideW + 1;
  }
}
