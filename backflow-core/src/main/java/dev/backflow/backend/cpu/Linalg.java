package dev.backflow.backend.cpu;

import dev.backflow.backend.LinalgKernels;
import dev.backflow.backend.NdArray;

/** Matrix products on the packed GEMM ({@link Gemm}): batched products on strided views and the fused Linear. */
final class Linalg implements LinalgKernels {
  private final Gemm gemm;

  Linalg(Gemm gemm) {
    this.gemm = gemm;
  }

  @Override
  public NdArray bmm(NdArray a, NdArray b) {
    int rank = a.rank();
    assert rank >= 3 && b.rank() == rank : "bmm: the op checks operands of equal rank >= 3";
    int m = a.shape(rank - 2), k = a.shape(rank - 1), n = b.shape(rank - 1);
    int[] outShape = a.shape();
    outShape[rank - 1] = n;
    // Offsets of each product's operands, read through the batch strides (permuted heads, stride-0 broadcast):
    // no operand is copied into a [batch, rows, cols] layout first.
    int batch = 1;
    for (int d = 0; d < rank - 2; d++) batch *= a.shape(d);
    int[] aOffs = new int[batch], bOffs = new int[batch];
    int[] idx = new int[rank - 2];
    for (int t = 0, pa = a.offset(), pb = b.offset(); t < batch; t++) {
      aOffs[t] = pa;
      bOffs[t] = pb;
      for (int d = rank - 3; d >= 0; d--) {
        idx[d]++;
        pa += a.stride(d);
        pb += b.stride(d);
        if (idx[d] < a.shape(d)) break;
        pa -= a.stride(d) * a.shape(d);
        pb -= b.stride(d) * b.shape(d);
        idx[d] = 0;
      }
    }
    float[] out = BufferPool.take(batch * m * n); // every element is written
    int ar = a.stride(rank - 2), ac = a.stride(rank - 1), br = b.stride(rank - 2), bc = b.stride(rank - 1);
    int products = batch, tasks = Math.min(Parallel.threads(), batch);
    if (tasks > 1 && (long) batch * m * n * k >= (1L << 18)) {
      // Many products (attention heads): give each thread whole matrices rather than splitting each one.
      // Claimed as threads finish, so a slower core takes fewer of them.
      Parallel.forEachDynamic(products, t ->
          gemm.multiplySingleThread(m, n, k, a.data(), aOffs[t], ar, ac, b.data(), bOffs[t], br, bc, out, t * m * n, n, false));
    } else {
      for (int t = 0; t < batch; t++) {
        gemm.multiply(m, n, k, a.data(), aOffs[t], ar, ac, b.data(), bOffs[t], br, bc, out, t * m * n, n, false);
      }
    }
    return NdArray.wrapOwned(out, outShape);
  }

  @Override
  public NdArray mm(NdArray a, NdArray b) {
    return mm(a, false, b, false);
  }

  @Override
  public NdArray mm(NdArray a, boolean transposeA, NdArray b, boolean transposeB) {
    // A transposed operand is the same storage read with its two strides swapped.
    int m = a.shape(transposeA ? 1 : 0), k = a.shape(transposeA ? 0 : 1), n = b.shape(transposeB ? 0 : 1);
    assert a.rank() == 2 && b.rank() == 2 && k == b.shape(transposeB ? 1 : 0) : "mm: the op checks the shapes";
    int aRow = a.stride(transposeA ? 1 : 0), aCol = a.stride(transposeA ? 0 : 1);
    int bRow = b.stride(transposeB ? 1 : 0), bCol = b.stride(transposeB ? 0 : 1);
    float[] out = BufferPool.take(m * n); // every element is written
    gemm.multiply(m, n, k, a.data(), a.offset(), aRow, aCol, b.data(), b.offset(), bRow, bCol, out, 0, n, false);
    return NdArray.wrapOwned(out, new int[] {m, n});
  }

  @Override
  public NdArray linear(NdArray x, NdArray w, NdArray bias) {
    int rank = x.rank();
    assert rank >= 1 && w.rank() == 2 && x.shape(rank - 1) == w.shape(1) : "linear: the op checks the shapes";
    int in = w.shape(1), out = w.shape(0), rows = 1;
    int[] outShape = x.shape();
    for (int d = 0; d < rank - 1; d++) rows *= outShape[d];
    outShape[rank - 1] = out;
    if (rank != 2) {
      NdArray flat = x.tryView(new int[] {rows, in});
      x = flat != null ? flat : Storage.copyOf(x).reshapeContiguous(rows, in);
    }
    NdArray c = bias == null ? null : Storage.dense(bias);
    float[] y = BufferPool.take(rows * out); // every element is written
    // B = wᵀ: element (p, j) is w[j, p], so its row stride is w's column stride and vice versa.
    gemm.multiply(rows, out, in, x.data(), x.offset(), x.stride(0), x.stride(1), w.data(), w.offset(), w.stride(1), w.stride(0),
        y, 0, out, false, c == null ? null : c.data(), c == null ? 0 : c.offset());
    return NdArray.wrapOwned(y, outShape);
  }
}
