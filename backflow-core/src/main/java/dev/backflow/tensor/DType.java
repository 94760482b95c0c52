package dev.backflow.tensor;

/**
 * Element types. Kernels run in float32; INT64 holds labels and indices exactly, with its own storage.
 * FLOAT64 (for tighter gradient checks) and the 16-bit types (mixed precision storage) are reserved for
 * kernels that do not exist yet.
 *
 * <p>What an INT64 tensor does, as PyTorch's torch.long where it can (the one place that decides is
 * {@code Graph.array}):
 * <ul>
 *   <li>views (reshape, view, slice, select, permute, expand, squeeze...), contiguous, cat, stack and
 *       indexSelect keep INT64 (cat with a float piece gives float), so a dataset's integer labels batch as INT64;
 *   <li>index readers take it as it is, with no float step: gather, indexSelect, embedding, crossEntropy and
 *       nllLoss targets (float index tensors are still accepted when they hold whole numbers);
 *   <li>every other op reads it promoted to float32 and returns float32: int + float and int == float work as in
 *       PyTorch, but int + int and sum of ints are float32 here where PyTorch keeps int64, and values beyond
 *       2^24 round;
 *   <li>argmax and argmin return INT64;
 *   <li>it never requires grad, and in-place arithmetic on it is refused (copy_ and fill_ truncate, as PyTorch).
 * </ul>
 * There is no INT32 (its storage would add a third copy of every storage and index kernel for no gain in
 * exactness): safetensors I32 entries load widened to INT64.
 */
public enum DType {
  /** 32-bit IEEE float, PyTorch's {@code torch.float32}: every kernel computes in it. */
  FLOAT32(4),
  /** 64-bit IEEE float, {@code torch.float64}; reserved, no kernels yet. */
  FLOAT64(8),
  /** bfloat16, {@code torch.bfloat16} (float32's range, 8 bits of mantissa); reserved for mixed-precision storage. */
  BFLOAT16(2),
  /** IEEE half precision, {@code torch.float16}; reserved for mixed-precision storage. */
  FLOAT16(2),
  /** 64-bit signed integer, {@code torch.int64} ({@code torch.long}): labels and indices, held exactly. */
  INT64(8);

  private final int bytes;

  DType(int bytes) {
    this.bytes = bytes;
  }

  /**
   * The size of one element in bytes, like {@code torch.dtype.itemsize}: 4 for FLOAT32, 8 for INT64.
   *
   * @return bytes per element
   */
  public int bytes() {
    return bytes;
  }

  /**
   * True for the floating point types, the only ones that can require gradients, like
   * {@code torch.dtype.is_floating_point}.
   *
   * @return false for INT64, true otherwise
   */
  public boolean isFloatingPoint() {
    return this != INT64;
  }
}
