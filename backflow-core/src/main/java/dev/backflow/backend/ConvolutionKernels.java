package dev.backflow.backend;

/** 2-D convolution (NCHW) forward and its input and weight gradients. Part of {@link Backend}; knows nothing of gradients. */
public interface ConvolutionKernels {

  default NdArray conv2d(NdArray x, NdArray w, Conv2dSpec spec) {
    return conv2d(x, w, null, spec);
  }

  /** As conv2d, plus bias[o] added to every output of channel o (bias [O] or null), while each plane is in cache. */
  NdArray conv2d(NdArray x, NdArray w, NdArray bias, Conv2dSpec spec);

  NdArray conv2dBackwardInput(NdArray gOut, NdArray w, int[] xShape, Conv2dSpec spec);

  NdArray conv2dBackwardWeight(NdArray gOut, NdArray x, int[] wShape, Conv2dSpec spec);
}
