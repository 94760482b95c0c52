package dev.backflow.backend;

/** Reductions over dims (sum, mean, max, min, argmax) and the fused, numerically stable softmax rows. Part of {@link Backend}; knows nothing of gradients. */
public interface ReductionKernels {

  /**
   * Reduces the dims flagged in {@code dims}.
   *
   * @param op sum, max or min
   * @param x the input
   * @param dims one flag per dim of x (length = rank): true to reduce that dim
   * @param keepDim keep reduced dims with size 1 instead of removing them
   * @return a new contiguous array of the reduced shape
   */
  NdArray reduce(ReduceOp op, NdArray x, boolean[] dims, boolean keepDim);

  /**
   * Index of the max (op MAX) or min (op MIN) along {@code dim}, first on ties, as float values (the op turns them
   * into its index tensor).
   *
   * @param op MAX or MIN
   * @param x the input
   * @param dim the dim to search, already normalised to 0..rank-1
   * @param keepDim keep that dim with size 1
   * @return a new float32 array of positions
   */
  NdArray argReduce(ReduceOp op, NdArray x, int dim, boolean keepDim);

  /**
   * True when every element is finite. Read by Java (it decides control flow), so captured steps cannot record it.
   *
   * @param x the array to scan
   * @return false if any element is NaN or infinite
   */
  @ReadByJava
  boolean allFinite(NdArray x);

  /**
   * Softmax (or log-softmax) along {@code dim}, computed stably by subtracting each row's maximum.
   *
   * @param x the logits
   * @param dim the dim to normalise over, already normalised to 0..rank-1
   * @param log true for log-softmax
   * @return a new contiguous array of x's shape
   */
  NdArray softmax(NdArray x, int dim, boolean log);

  /**
   * Gradient with respect to the softmax input, given its output y and the output gradient gy:
   * y · (gy - Σ gy·y) for softmax, gy - e^y · Σ gy for log-softmax.
   *
   * @param y the saved output of {@link #softmax}
   * @param gy the gradient with respect to y, of y's shape
   * @param dim the dim that was normalised
   * @param log whether y is a log-softmax
   * @return a new contiguous array of y's shape
   */
  NdArray softmaxBackward(NdArray y, NdArray gy, int dim, boolean log);
}
