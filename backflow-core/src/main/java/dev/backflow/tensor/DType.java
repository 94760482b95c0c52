package dev.backflow.tensor;

/**
 * Element types. Kernels run in float32 today; ops never touch elements themselves, so adding a storage
 * type means adding kernels to a backend, not rewriting ops. FLOAT64 (for tighter gradient checks) and the
 * 16-bit types (mixed precision storage) are reserved for those kernels.
 */
public enum DType {
  FLOAT32(4), FLOAT64(8), BFLOAT16(2), FLOAT16(2);

  private final int bytes;

  DType(int bytes) {
    this.bytes = bytes;
  }

  public int bytes() {
    return bytes;
  }
}
