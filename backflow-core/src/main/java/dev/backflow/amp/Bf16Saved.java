package dev.backflow.amp;

import dev.backflow.autograd.Graph;
import dev.backflow.backend.Backends;
import dev.backflow.tensor.Tensor;

/** A tensor kept for the backward pass in bfloat16: half the bytes of float32, 8 bits of mantissa. */
final class Bf16Saved {
  private final short[] bits;
  private final int[] shape;

  Bf16Saved(Tensor t) {
    this.bits = Backends.current().storage().toBf16(Graph.array(t));
    this.shape = t.shape();
  }

  /** The values as a float32 tensor (each exactly representable in bfloat16). */
  Tensor restore() {
    return Graph.constant(Backends.current().storage().fromBf16(bits, shape));
  }

  long bytes() {
    return 2L * bits.length;
  }
}
