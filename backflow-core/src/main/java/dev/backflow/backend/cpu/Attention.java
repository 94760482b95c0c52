package dev.backflow.backend.cpu;

import dev.backflow.backend.NdArray;
import java.util.Arrays;

/**
 * Scaled dot-product attention, forward and backward, one (batch, head) matrix at a time while it is in
 * cache. Composed from primitives, each head's scores pass through a product, a scale, a mask add, a
 * softmax and a product, every step a fresh [..., T, T] array; here the scores live in a per-thread
 * scratch tile and only the attention weights P (needed by the backward pass) are stored.
 *
 * <pre>
 *   forward   S = Q Kᵀ · scale (+ causal mask),  P = softmax(S) by rows,  O = P V
 *   backward  dV = Pᵀ dO,  dP = dO Vᵀ,  dS = P ⊙ (dP - rowsum(dP ⊙ P)) · scale,  dQ = dS K,  dK = dSᵀ Q
 * </pre>
 *
 * The causal mask is PyTorch's is_causal (top-left aligned): query i sees keys 0..i. Heads are split
 * across cores; each writes its own slices, so results do not depend on the thread count.
 */
final class Attention {
  private Attention() {}

  private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[][] {new float[0]});

  /** Matrices of shape [..., rows, cols] flattened over their leading dims: offset of each, and the two strides. */
  private record Batch(int count, int[] offsets, int rowStride, int colStride) {
    static Batch of(NdArray x) {
      int rank = x.rank(), count = 1;
      for (int d = 0; d < rank - 2; d++) count *= x.shape(d);
      int[] offs = new int[count], idx = new int[Math.max(0, rank - 2)];
      for (int t = 0, p = x.offset(); t < count; t++) {
        offs[t] = p;
        for (int d = rank - 3; d >= 0; d--) {
          idx[d]++;
          p += x.stride(d);
          if (idx[d] < x.shape(d)) break;
          p -= x.stride(d) * x.shape(d);
          idx[d] = 0;
        }
      }
      return new Batch(count, offs, x.stride(rank - 2), x.stride(rank - 1));
    }
  }

  static void check(String op, NdArray q, NdArray k, NdArray v) {
    int rank = q.rank();
    boolean ok = rank >= 3 && k.rank() == rank && v.rank() == rank
        && q.shape(rank - 1) == k.shape(rank - 1) && k.shape(rank - 2) == v.shape(rank - 2);
    for (int d = 0; ok && d < rank - 2; d++) ok = q.shape(d) == k.shape(d) && q.shape(d) == v.shape(d);
    if (!ok) {
      throw new IllegalArgumentException(op + ": query " + Arrays.toString(q.shape()) + ", key " + Arrays.toString(k.shape())
          + " and value " + Arrays.toString(v.shape()) + " must be [..., Tq, D], [..., Tk, D] and [..., Tk, Dv] with equal leading dims");
    }
  }

  private static int tasks(int heads, long workPerHead) {
    return heads * workPerHead < (1L << 16) ? 1 : Math.min(Parallel.threads(), heads);
  }

  /** Returns {O [..., Tq, Dv], P [..., Tq, Tk]}. */
  static NdArray[] forward(Gemm gemm, NdArray q, NdArray k, NdArray v, float scale, boolean causal) {
    check("attention", q, k, v);
    int rank = q.rank(), tq = q.shape(rank - 2), d = q.shape(rank - 1), tk = k.shape(rank - 2), dv = v.shape(rank - 1);
    Batch bq = Batch.of(q), bk = Batch.of(k), bv = Batch.of(v);
    int heads = bq.count;
    float[] out = new float[heads * tq * dv], p = new float[heads * tq * tk];
    float[] qd = q.data(), kd = k.data(), vd = v.data();
    int tasks = tasks(heads, (long) tq * tk * (d + dv));
    Parallel.forEach(tasks, task -> {
      for (int h = task; h < heads; h += tasks) {
        int pOff = h * tq * tk;
        // S = Q Kᵀ straight into P's slice; Kᵀ is K read through swapped strides.
        gemm.multiplySingleThread(tq, tk, d, qd, bq.offsets[h], bq.rowStride, bq.colStride,
            kd, bk.offsets[h], bk.colStride, bk.rowStride, p, pOff, tk, false);
        for (int i = 0; i < tq; i++) softmaxRow(p, pOff + i * tk, causal ? Math.min(tk, i + 1) : tk, tk, scale);
        gemm.multiplySingleThread(tq, dv, tk, p, pOff, tk, 1, vd, bv.offsets[h], bv.rowStride, bv.colStride,
            out, h * tq * dv, dv, false);
      }
    });
    int[] outShape = q.shape(), pShape = q.shape();
    outShape[rank - 1] = dv;
    pShape[rank - 1] = tk;
    return new NdArray[] {NdArray.wrapOwned(out, outShape), NdArray.wrapOwned(p, pShape)};
  }

  /** Softmax of scale·row[0..seen) in place (double sums, as the softmax kernel); masked entries become 0. */
  private static void softmaxRow(float[] s, int off, int seen, int len, float scale) {
    float max = Float.NEGATIVE_INFINITY;
    for (int j = 0; j < seen; j++) max = Math.max(max, s[off + j] * scale);
    double sum = 0;
    for (int j = 0; j < seen; j++) {
      float e = (float) Math.exp(s[off + j] * scale - max);
      s[off + j] = e;
      sum += e;
    }
    float inv = (float) (1 / sum);
    for (int j = 0; j < seen; j++) s[off + j] *= inv;
    for (int j = seen; j < len; j++) s[off + j] = 0f;
  }

  /** Returns {dQ, dK, dV}, contiguous, shaped as q, k, v. */
  static NdArray[] backward(Gemm gemm, NdArray gOut, NdArray q, NdArray k, NdArray v, NdArray p, float scale, boolean causal) {
    check("attentionBackward", q, k, v);
    int rank = q.rank(), tq = q.shape(rank - 2), d = q.shape(rank - 1), tk = k.shape(rank - 2), dv = v.shape(rank - 1);
    Batch bq = Batch.of(q), bk = Batch.of(k), bv = Batch.of(v), bg = Batch.of(gOut), bp = Batch.of(p);
    int heads = bq.count;
    if (gOut.rank() != rank || gOut.shape(rank - 2) != tq || gOut.shape(rank - 1) != dv || bg.count != heads
        || p.rank() != rank || p.shape(rank - 2) != tq || p.shape(rank - 1) != tk || bp.count != heads) {
      throw new IllegalArgumentException("attentionBackward: gradient " + gOut + " and weights " + p + " do not match "
          + "query " + q + ", key " + k + " and value " + v);
    }
    float[] dq = new float[q.size()], dk = new float[k.size()], dvOut = new float[v.size()];
    float[] qd = q.data(), kd = k.data(), vd = v.data(), gd = gOut.data(), pd = p.data();
    int tasks = tasks(heads, (long) tq * tk * (2 * d + 2 * dv));
    Parallel.forEach(tasks, task -> {
      float[][] scratch = SCRATCH.get();
      if (scratch[0].length < tq * tk) scratch[0] = new float[tq * tk];
      float[] ds = scratch[0];
      for (int h = task; h < heads; h += tasks) {
        int po = bp.offsets[h], pr = bp.rowStride, pc = bp.colStride;
        // dV = Pᵀ dO
        gemm.multiplySingleThread(tk, dv, tq, pd, po, pc, pr, gd, bg.offsets[h], bg.rowStride, bg.colStride,
            dvOut, h * tk * dv, dv, false);
        // dP = dO Vᵀ, then dS = P ⊙ (dP - rowsum(dP ⊙ P)) · scale, in place
        gemm.multiplySingleThread(tq, tk, dv, gd, bg.offsets[h], bg.rowStride, bg.colStride,
            vd, bv.offsets[h], bv.colStride, bv.rowStride, ds, 0, tk, false);
        for (int i = 0; i < tq; i++) {
          int seen = causal ? Math.min(tk, i + 1) : tk, row = i * tk, prow = po + i * pr;
          double dot = 0;
          for (int j = 0; j < seen; j++) dot += (double) ds[row + j] * pd[prow + j * pc];
          float dotF = (float) dot;
          for (int j = 0; j < seen; j++) ds[row + j] = pd[prow + j * pc] * (ds[row + j] - dotF) * scale;
          for (int j = seen; j < tk; j++) ds[row + j] = 0f;
        }
        // dQ = dS K, dK = dSᵀ Q
        gemm.multiplySingleThread(tq, d, tk, ds, 0, tk, 1, kd, bk.offsets[h], bk.rowStride, bk.colStride,
            dq, h * tq * d, d, false);
        gemm.multiplySingleThread(tk, d, tq, ds, 0, 1, tk, qd, bq.offsets[h], bq.rowStride, bq.colStride,
            dk, h * tk * d, d, false);
      }
    });
    return new NdArray[] {NdArray.wrap(dq, q.shape()), NdArray.wrap(dk, k.shape()), NdArray.wrap(dvOut, v.shape())};
  }
}
