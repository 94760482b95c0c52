package dev.backflow.backend.cpu;

import dev.backflow.backend.NdArray;
import dev.backflow.backend.AttentionKernels;
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
final class Attention implements AttentionKernels {
  private final Gemm gemm;
  private final FusedKernels fused;

  Attention(Gemm gemm, FusedKernels fused) {
    this.gemm = gemm;
    this.fused = fused;
  }

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

  /** Output placement for each head: offsets and a row stride (columns contiguous). */
  private record Out(int[] offsets, int rowStride) {
    static Out contiguous(int heads, int rows, int cols) {
      int[] offs = new int[heads];
      for (int h = 0; h < heads; h++) offs[h] = h * rows * cols;
      return new Out(offs, cols);
    }
  }

  /** Returns {O [..., Tq, Dv], P [..., Tq, Tk]}. */
  static NdArray[] forward(Gemm gemm, FusedKernels fused, NdArray q, NdArray k, NdArray v, float scale, boolean causal) {
    check("attention", q, k, v);
    int rank = q.rank(), tq = q.shape(rank - 2), tk = k.shape(rank - 2), dv = v.shape(rank - 1);
    Batch bq = Batch.of(q), bk = Batch.of(k), bv = Batch.of(v);
    float[] out = new float[bq.count * tq * dv];
    float[] p = forwardHeads(gemm, fused, bq.count, tq, tk, q.shape(rank - 1), dv, q.data(), bq, k.data(), bk, v.data(), bv,
        out, Out.contiguous(bq.count, tq, dv), scale, causal);
    int[] outShape = q.shape(), pShape = q.shape();
    outShape[rank - 1] = dv;
    pShape[rank - 1] = tk;
    return new NdArray[] {NdArray.wrapOwned(out, outShape), NdArray.wrapOwned(p, pShape)};
  }

  /** Returns {dQ, dK, dV}, contiguous, shaped as q, k, v. */
  static NdArray[] backward(Gemm gemm, FusedKernels fused, NdArray gOut, NdArray q, NdArray k, NdArray v, NdArray p, float scale, boolean causal) {
    check("attentionBackward", q, k, v);
    int rank = q.rank(), tq = q.shape(rank - 2), d = q.shape(rank - 1), tk = k.shape(rank - 2), dv = v.shape(rank - 1);
    Batch bq = Batch.of(q), bk = Batch.of(k), bv = Batch.of(v), bg = Batch.of(gOut), bp = Batch.of(p);
    int heads = bq.count;
    if (gOut.rank() != rank || gOut.shape(rank - 2) != tq || gOut.shape(rank - 1) != dv || bg.count != heads
        || p.rank() != rank || p.shape(rank - 2) != tq || p.shape(rank - 1) != tk || bp.count != heads) {
      throw new IllegalArgumentException("attentionBackward: gradient " + gOut + " and weights " + p + " do not match "
          + "query " + q + ", key " + k + " and value " + v);
    }
    float[] dq = BufferPool.take(q.size()), dk = BufferPool.take(k.size()), dvOut = BufferPool.take(v.size());
    backwardHeads(gemm, fused, heads, tq, tk, d, dv, gOut.data(), bg, q.data(), bq, k.data(), bk, v.data(), bv, p.data(), bp,
        dq, Out.contiguous(heads, tq, d), dk, Out.contiguous(heads, tk, d), dvOut, Out.contiguous(heads, tk, dv), scale, causal);
    return new NdArray[] {NdArray.wrap(dq, q.shape()), NdArray.wrap(dk, k.shape()), NdArray.wrap(dvOut, v.shape())};
  }

  /**
   * Self-attention over a packed projection qkv [B, T, 3C] (q, k, v side by side, each split into H heads
   * of C/H): {out [B, T, C] with the heads already merged, weights [B, H, T, T]}. Heads are read and
   * written in place through offsets, so no head is copied out of qkv or back into [B, T, C].
   */
  static NdArray[] forwardPacked(Gemm gemm, FusedKernels fused, NdArray qkv, int heads, float scale, boolean causal) {
    NdArray x = packedCheck("attention", qkv, heads);
    int b = x.shape(0), t = x.shape(1), c = x.shape(2) / 3, d = c / heads;
    Batch[] qkvLayout = packedLayouts(x, b, t, c, heads);
    int[] outOffs = new int[b * heads];
    for (int i = 0; i < b; i++) for (int h = 0; h < heads; h++) outOffs[i * heads + h] = i * t * c + h * d;
    float[] out = BufferPool.take(b * t * c); // every head writes its columns of every row
    float[] p = forwardHeads(gemm, fused, b * heads, t, t, d, d, x.data(), qkvLayout[0], x.data(), qkvLayout[1], x.data(), qkvLayout[2],
        out, new Out(outOffs, c), scale, causal);
    return new NdArray[] {NdArray.wrapOwned(out, new int[] {b, t, c}), NdArray.wrapOwned(p, new int[] {b, heads, t, t})};
  }

  /** d qkv [B, T, 3C] of {@link #forwardPacked}, from the output gradient [B, T, C] and the saved weights. */
  static NdArray backwardPacked(Gemm gemm, FusedKernels fused, NdArray gOut, NdArray qkv, NdArray p, int heads, float scale, boolean causal) {
    NdArray x = packedCheck("attentionBackward", qkv, heads);
    int b = x.shape(0), t = x.shape(1), c = x.shape(2) / 3, d = c / heads;
    if (gOut.rank() != 3 || gOut.shape(0) != b || gOut.shape(1) != t || gOut.shape(2) != c
        || p.rank() != 4 || p.shape(0) != b || p.shape(1) != heads || p.shape(2) != t || p.shape(3) != t) {
      throw new IllegalArgumentException("attentionBackward: gradient " + gOut + " and weights " + p + " do not match qkv " + qkv);
    }
    Batch[] qkvLayout = packedLayouts(x, b, t, c, heads);
    // The output gradient [B, T, C] read per head: rows of stride C, head h at column h*D.
    int[] gOffs = new int[b * heads];
    for (int i = 0; i < b; i++) for (int h = 0; h < heads; h++) gOffs[i * heads + h] = gOut.offset() + i * gOut.stride(0) + h * d * gOut.stride(2);
    Batch bg = new Batch(b * heads, gOffs, gOut.stride(1), gOut.stride(2));
    float[] dqkv = BufferPool.take(b * t * 3 * c); // every element written: see backwardHeads
    Out[] dLayout = new Out[3];
    for (int s = 0; s < 3; s++) {
      int[] offs = new int[b * heads];
      for (int i = 0; i < b; i++) for (int h = 0; h < heads; h++) offs[i * heads + h] = i * t * 3 * c + s * c + h * d;
      dLayout[s] = new Out(offs, 3 * c);
    }
    backwardHeads(gemm, fused, b * heads, t, t, d, d, gOut.data(), bg, x.data(), qkvLayout[0], x.data(), qkvLayout[1], x.data(), qkvLayout[2],
        p.data(), Batch.of(p), dqkv, dLayout[0], dqkv, dLayout[1], dqkv, dLayout[2], scale, causal);
    return NdArray.wrapOwned(dqkv, new int[] {b, t, 3 * c});
  }

  private static NdArray packedCheck(String op, NdArray qkv, int heads) {
    if (qkv.rank() != 3 || heads <= 0 || qkv.shape(2) % (3 * heads) != 0) {
      throw new IllegalArgumentException(op + ": expected a packed projection [B, T, 3C] with C divisible by " + heads
          + " heads, got " + qkv);
    }
    return qkv;
  }

  /** Per-head views of q, k and v inside qkv [B, T, 3C]: head (b, h) of part s starts at column s*C + h*D. */
  private static Batch[] packedLayouts(NdArray x, int b, int t, int c, int heads) {
    int d = c / heads;
    Batch[] out = new Batch[3];
    for (int s = 0; s < 3; s++) {
      int[] offs = new int[b * heads];
      for (int i = 0; i < b; i++) {
        for (int h = 0; h < heads; h++) offs[i * heads + h] = x.offset() + i * x.stride(0) + (s * c + h * d) * x.stride(2);
      }
      out[s] = new Batch(b * heads, offs, x.stride(1), x.stride(2));
    }
    return out;
  }

  /** S = Q Kᵀ into P's slice, softmax in place, O = P V into out; returns P (contiguous [heads, tq, tk]). */
  private static float[] forwardHeads(Gemm gemm, FusedKernels fused, int heads, int tq, int tk, int d, int dv, float[] qd, Batch bq,
                                      float[] kd, Batch bk, float[] vd, Batch bv, float[] out, Out o, float scale, boolean causal) {
    float[] p = BufferPool.take(heads * tq * tk); // every row written whole: the products, then softmaxRow's zeros
    int tasks = tasks(heads, (long) tq * tk * (d + dv));
    // Heads are claimed one at a time by whichever thread is free; each head's result does not depend on it.
    Parallel.forEachClaiming(heads, tasks, next -> {
      for (int h; (h = next.getAsInt()) >= 0; ) {
        int pOff = h * tq * tk;
        // Causal rows come in blocks that see only the keys up to their last row: the products skip the
        // masked corner (~1/4 of the work at two blocks per head) instead of computing and discarding it.
        for (int r0 = 0; r0 < tq; r0 += rowBlock(causal, tq, tk)) {
          int r1 = Math.min(tq, r0 + rowBlock(causal, tq, tk)), keys = causal ? Math.min(tk, r1) : tk;
          // Kᵀ is K read through swapped strides.
          gemm.multiplySingleThread(r1 - r0, keys, d, qd, bq.offsets[h] + r0 * bq.rowStride, bq.rowStride, bq.colStride,
              kd, bk.offsets[h], bk.colStride, bk.rowStride, p, pOff + r0 * tk, tk, false);
          for (int i = r0; i < r1; i++) fused.softmaxRow(p, pOff + i * tk, causal ? Math.min(tk, i + 1) : tk, tk, scale);
          gemm.multiplySingleThread(r1 - r0, dv, keys, p, pOff + r0 * tk, tk, 1, vd, bv.offsets[h], bv.rowStride, bv.colStride,
              out, o.offsets[h] + r0 * o.rowStride, o.rowStride, false);
        }
      }
    });
    return p;
  }

  /** Query rows per block: all of them, or half of a causal self-attention (T = Tq = Tk) that is long enough. */
  private static int rowBlock(boolean causal, int tq, int tk) {
    return causal && tq == tk && tq >= 32 ? (tq + 1) / 2 : Math.max(1, tq);
  }

  private static void backwardHeads(Gemm gemm, FusedKernels fused, int heads, int tq, int tk, int d, int dv, float[] gd, Batch bg,
                                    float[] qd, Batch bq, float[] kd, Batch bk, float[] vd, Batch bv, float[] pd, Batch bp,
                                    float[] dq, Out oq, float[] dk, Out ok, float[] dvOut, Out ov, float scale, boolean causal) {
    int tasks = tasks(heads, (long) tq * tk * (2 * d + 2 * dv));
    Parallel.forEachClaiming(heads, tasks, next -> {
      float[][] scratch = SCRATCH.get();
      if (scratch[0].length < tq * tk) scratch[0] = new float[tq * tk];
      float[] ds = scratch[0];
      for (int h; (h = next.getAsInt()) >= 0; ) {
        int po = bp.offsets[h], pr = bp.rowStride, pc = bp.colStride; // pc is 1: the weights are dense
        // dK and dV accumulate over the row blocks, last block first: it sees the most keys (all of them unless a causal
        // mask hides keys past the last query), so it writes them and the others add to them; rows of keys no query
        // sees are zeroed. Every element is written, so the buffers may hold anything to start with. dQ rows belong to
        // one block.
        int block = rowBlock(causal, tq, tk);
        for (int r0 = (tq - 1) / block * block; r0 >= 0; r0 -= block) {
          int r1 = Math.min(tq, r0 + block), rows = r1 - r0, keys = causal ? Math.min(tk, r1) : tk;
          boolean first = r1 == tq;
          if (first && keys < tk) {
            for (int j = keys; j < tk; j++) {
              java.util.Arrays.fill(dvOut, ov.offsets[h] + j * ov.rowStride, ov.offsets[h] + j * ov.rowStride + dv, 0f);
              java.util.Arrays.fill(dk, ok.offsets[h] + j * ok.rowStride, ok.offsets[h] + j * ok.rowStride + d, 0f);
            }
          }
          int gRows = bg.offsets[h] + r0 * bg.rowStride, pRows = po + r0 * pr;
          // dV[0..keys) (+)= P[r0..r1, 0..keys)ᵀ dO[r0..r1)
          gemm.multiplySingleThread(keys, dv, rows, pd, pRows, pc, pr, gd, gRows, bg.rowStride, bg.colStride,
              dvOut, ov.offsets[h], ov.rowStride, !first);
          // dP = dO Vᵀ, then dS = P ⊙ (dP - rowsum(dP ⊙ P)) · scale, in place
          gemm.multiplySingleThread(rows, keys, dv, gd, gRows, bg.rowStride, bg.colStride,
              vd, bv.offsets[h], bv.colStride, bv.rowStride, ds, r0 * tk, tk, false);
          for (int i = r0; i < r1; i++) {
            int seen = causal ? Math.min(tk, i + 1) : tk, row = i * tk;
            fused.softmaxBackwardRow(ds, row, pd, po + i * pr, seen, scale);
            java.util.Arrays.fill(ds, row + seen, row + keys, 0f);
          }
          // dQ[r0..r1) = dS K[0..keys), dK[0..keys) (+)= dSᵀ Q[r0..r1)
          gemm.multiplySingleThread(rows, d, keys, ds, r0 * tk, tk, 1, kd, bk.offsets[h], bk.rowStride, bk.colStride,
              dq, oq.offsets[h] + r0 * oq.rowStride, oq.rowStride, false);
          gemm.multiplySingleThread(keys, d, rows, ds, r0 * tk, 1, tk, qd, bq.offsets[h] + r0 * bq.rowStride, bq.rowStride, bq.colStride,
              dk, ok.offsets[h], ok.rowStride, !first);
        }
      }
    });
  }

  @Override
  public NdArray[] attention(NdArray q, NdArray k, NdArray v, float scale, boolean causal) {
    return forward(gemm, fused, q, k, v, scale, causal);
  }

  @Override
  public NdArray[] attentionBackward(NdArray gOut, NdArray q, NdArray k, NdArray v, NdArray weights, float scale, boolean causal) {
    return backward(gemm, fused, gOut, q, k, v, Storage.dense(weights), scale, causal);
  }

  @Override
  public NdArray[] selfAttention(NdArray qkv, int heads, float scale, boolean causal) {
    return forwardPacked(gemm, fused, qkv, heads, scale, causal);
  }

  @Override
  public NdArray selfAttentionBackward(NdArray gOut, NdArray qkv, NdArray weights, int heads, float scale, boolean causal) {
    return backwardPacked(gemm, fused, gOut, qkv, Storage.dense(weights), heads, scale, causal);
  }
}
