package dev.backflow.backend;

/** Max and average pooling (NCHW) and their backward passes. Part of {@link Backend}; knows nothing of gradients. */
public interface PoolingKernels {

  /**
   * Max pooling over windows, like {@code F.max_pool2d(x, ..., return_indices=True)}; padding counts as -infinity.
   *
   * @param x the input, [N, C, H, W]
   * @param spec window, strides, padding and dilation
   * @return the maxima [N, C, outH, outW] and, per output, the flat input position it came from
   */
  PoolResult maxPool2d(NdArray x, Pool2dSpec spec);

  /**
   * Routes each output gradient to the input position its maximum came from (summing where windows overlap).
   *
   * @param gOut the output gradient, [N, C, outH, outW]
   * @param argmax the positions {@link #maxPool2d} returned
   * @param xShape the input's shape
   * @return a new array of xShape
   */
  NdArray maxPool2dBackward(NdArray gOut, int[] argmax, int[] xShape);

  /**
   * Average pooling over windows, like {@code F.avg_pool2d}.
   *
   * @param x the input, [N, C, H, W]
   * @param spec window, strides, padding and whether padding counts in the divisor
   * @return a new array [N, C, outH, outW]
   */
  NdArray avgPool2d(NdArray x, Pool2dSpec spec);

  /**
   * Spreads each output gradient evenly over its window's input positions (divided as in the forward pass).
   *
   * @param gOut the output gradient, [N, C, outH, outW]
   * @param xShape the input's shape
   * @param spec the forward pass's geometry
   * @return a new array of xShape
   */
  NdArray avgPool2dBackward(NdArray gOut, int[] xShape, Pool2dSpec spec);
}
