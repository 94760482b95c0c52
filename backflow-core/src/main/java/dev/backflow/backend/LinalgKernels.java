package dev.backflow.backend;

/** Matrix products: batched GEMM on strided views and the fused Linear layer. Part of {@link Backend}; knows nothing of gradients. */
public interface LinalgKernels {

  /**
   * The product of two matrices {@code [m, k] @ [k, n]}, each read through its strides (a transposed view costs no
   * copy). The default runs {@link #bmm} on a batch of one; a backend overrides it to skip the batch bookkeeping, which
   * is most of the cost of a small product.
   *
   * @param a the left matrix {@code [m, k]}
   * @param b the right matrix {@code [k, n]}
   * @return a new contiguous {@code [m, n]} array
   */
  default NdArray mm(NdArray a, NdArray b) {
    return bmm(a.expand(new int[] {1, a.shape(0), a.shape(1)}), b.expand(new int[] {1, b.shape(0), b.shape(1)})).squeeze(0);
  }

  /**
   * {@code op(a) @ op(b)} where {@code op} transposes the matrix when its flag is set (BLAS's transa/transb): the
   * backward pass of a product needs {@code G Bᵀ} and {@code Aᵀ G}. The default takes transposed views; a backend can
   * read the swapped strides directly and make no view at all.
   *
   * @param a the left matrix, {@code [m, k]} (or {@code [k, m]} when {@code transposeA})
   * @param transposeA read {@code a} transposed
   * @param b the right matrix, {@code [k, n]} (or {@code [n, k]} when {@code transposeB})
   * @param transposeB read {@code b} transposed
   * @return a new contiguous {@code [m, n]} array
   */
  default NdArray mm(NdArray a, boolean transposeA, NdArray b, boolean transposeB) {
    return mm(transposeA ? a.transpose(0, 1) : a, transposeB ? b.transpose(0, 1) : b);
  }

  /**
   * Batched product [batch..., M, K] x [batch..., K, N] -&gt; [batch..., M, N] (equal batch dims, rank &gt;= 3), like
   * {@code torch.bmm}. Operands may be transposed, permuted or otherwise strided views (including stride-0 broadcast
   * batches); the kernel reads them in place.
   *
   * @param a the left operands, [batch..., M, K]
   * @param b the right operands, [batch..., K, N]
   * @return a new contiguous array [batch..., M, N]
   */
  NdArray bmm(NdArray a, NdArray b);

  /**
   * A Linear layer's forward pass, x [..., in] times w [out, in] transposed, plus bias [out] (or null), as one product
   * (like {@code torch.nn.functional.linear}): w is read through its strides (no transposed copy) and the bias is added
   * to each output tile while it is in cache.
   *
   * @param x the input, [..., in]
   * @param w the weight, [out, in]
   * @param bias the bias, [out], or null
   * @return a new contiguous array [..., out]
   */
  NdArray linear(NdArray x, NdArray w, NdArray bias);
}
