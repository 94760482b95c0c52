package dev.backflow.backend;

/**
 * The kernels every op is built from, grouped by family as {@code dev.backflow.ops} is (Burn's backend
 * traits in Java): a backend is a name and one implementation of each family. A backend knows nothing of
 * gradients: autograd calls it for forward values and for the numbers its backward rules need. Inputs may be
 * any strided view; outputs are fresh contiguous arrays unless a method says otherwise. Ops check their
 * arguments in the user's terms before calling a kernel; kernels assume valid shapes and validate only what
 * they alone can see (index values) before writing anything, so a failed call leaves no partial result.
 *
 * <p>Adding a fused op means: its op in {@code ops/}, its method in one family interface here, and its
 * kernel in that family's file of each backend. Recording for captured steps needs nothing: the recorder
 * wraps any family generically.
 */
public interface Backend {

  /**
   * The backend's name for logs and the bench, naming the chosen GEMM micro-kernel, e.g.
   * "cpu (scalar 4x8)" or "cpu (Vector API ...)".
   *
   * @return a short human-readable name
   */
  String name();

  /**
   * Says that nothing reads or writes {@code data} any more (a gradient its node's rule has consumed, or an intermediate
   * released with the graph), so the backend may hand it out again as a kernel's output. A hint: the default ignores it;
   * a recording backend must, since its recorded calls keep their arrays.
   *
   * @param data a float array no tensor uses any more
   */
  default void recycle(float[] data) {}

  /**
   * The shortest array {@link #recycle} keeps; shorter ones (and every array, by default) are not worth the engine's
   * bookkeeping.
   *
   * @return a length in floats, or {@code Integer.MAX_VALUE} when this backend recycles nothing
   */
  default int recycleMinLength() {
    return Integer.MAX_VALUE;
  }


  /**
   * Creating, copying and converting arrays.
   *
   * @return this backend's storage family
   */
  StorageKernels storage();

  /**
   * Element-wise maps and broadcast binary ops.
   *
   * @return this backend's element-wise family
   */
  ElementwiseKernels elementwise();

  /**
   * Sums, extrema, arg-extrema and softmax rows.
   *
   * @return this backend's reduction family
   */
  ReductionKernels reductions();

  /**
   * Fused softmax cross-entropy.
   *
   * @return this backend's loss family
   */
  LossKernels losses();

  /**
   * Batched matrix products and the fused Linear layer.
   *
   * @return this backend's linear-algebra family
   */
  LinalgKernels linalg();

  /**
   * 2-D convolution and its gradients.
   *
   * @return this backend's convolution family
   */
  ConvolutionKernels convolution();

  /**
   * Max and average pooling and their backward passes.
   *
   * @return this backend's pooling family
   */
  PoolingKernels pooling();

  /**
   * Fused layer normalization.
   *
   * @return this backend's normalization family
   */
  NormalizationKernels normalization();

  /**
   * Fused scaled dot-product attention.
   *
   * @return this backend's attention family
   */
  AttentionKernels attention();

  /**
   * Gathers, scatters and index selection.
   *
   * @return this backend's indexing family
   */
  IndexingKernels indexing();

  /**
   * Fused in-place optimizer updates.
   *
   * @return this backend's optimizer family
   */
  OptimizerKernels optimizer();
}
