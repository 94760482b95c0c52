package dev.backflow.backend;

/** Max and average pooling (NCHW) and their backward passes. Part of {@link Backend}; knows nothing of gradients. */
public interface PoolingKernels {

  PoolResult maxPool2d(NdArray x, Pool2dSpec spec);

  NdArray maxPool2dBackward(NdArray gOut, int[] argmax, int[] xShape);

  NdArray avgPool2d(NdArray x, Pool2dSpec spec);

  NdArray avgPool2dBackward(NdArray gOut, int[] xShape, Pool2dSpec spec);
}
