package dev.backflow.backend;

/** 2-D convolution (NCHW) forward and its input and weight gradients. Part of {@link Backend}; knows nothing of gradients. */
public interface ConvolutionKernels {

  /**
   * 2-D convolution without bias, like {@code F.conv2d(x, w, stride=..., padding=..., dilation=..., groups=...)}
   * (cross-correlation, as in PyTorch).
   *
   * @param x the input, [N, C, H, W]
   * @param w the weight, [O, C/groups, kh, kw]
   * @param spec strides, padding, dilation and groups
   * @return a new array [N, O, outH, outW]
   */
  default NdArray conv2d(NdArray x, NdArray w, Conv2dSpec spec) {
    return conv2d(x, w, null, spec);
  }

  /**
   * As {@link #conv2d(NdArray, NdArray, Conv2dSpec)}, plus bias[o] added to every output of channel o while each plane
   * is in cache.
   *
   * @param x the input, [N, C, H, W]
   * @param w the weight, [O, C/groups, kh, kw]
   * @param bias the bias, [O], or null
   * @param spec strides, padding, dilation and groups
   * @return a new array [N, O, outH, outW]
   */
  NdArray conv2d(NdArray x, NdArray w, NdArray bias, Conv2dSpec spec);

  /**
   * The gradient with respect to the convolution's input (a transposed convolution of gOut with w).
   *
   * @param gOut the output gradient, [N, O, outH, outW]
   * @param w the weight, [O, C/groups, kh, kw]
   * @param xShape the input's shape, [N, C, H, W]
   * @param spec the forward pass's geometry
   * @return a new array of xShape
   */
  NdArray conv2dBackwardInput(NdArray gOut, NdArray w, int[] xShape, Conv2dSpec spec);

  /**
   * The gradient with respect to the convolution's weight (gOut correlated with the input).
   *
   * @param gOut the output gradient, [N, O, outH, outW]
   * @param x the forward pass's input, [N, C, H, W]
   * @param wShape the weight's shape, [O, C/groups, kh, kw]
   * @param spec the forward pass's geometry
   * @return a new array of wShape
   */
  NdArray conv2dBackwardWeight(NdArray gOut, NdArray x, int[] wShape, Conv2dSpec spec);
}
