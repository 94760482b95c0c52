package dev.backflow.backend;

/** Reductions over dims (sum, mean, max, min, argmax) and the fused, numerically stable softmax rows. Part of {@link Backend}; knows nothing of gradients. */
public interface ReductionKernels {

  /** Reduces the dims flagged in {@code dims} (length = rank). */
  NdArray reduce(ReduceOp op, NdArray x, boolean[] dims, boolean keepDim);

  /** Index of the max (op MAX) or min (op MIN) along {@code dim}, first on ties, as float values. */
  NdArray argReduce(ReduceOp op, NdArray x, int dim, boolean keepDim);

  /** True when every element is finite. */
  @ReadByJava
  boolean allFinite(NdArray x);

  NdArray softmax(NdArray x, int dim, boolean log);

  /** Gradient wrt the softmax input, given its output y and the output gradient gy. */
  NdArray softmaxBackward(NdArray y, NdArray gy, int dim, boolean log);
}
