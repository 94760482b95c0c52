package dev.backflow.nn;

import dev.backflow.ops.Attention;
import dev.backflow.tensor.Tensor;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Causal multi-head self-attention over [B, T, C]: each position attends to itself and earlier positions
 * only. One projection makes queries, keys and values; heads attend in parallel; a second projection
 * mixes them.
 */
public final class MultiHeadSelfAttention extends Module {
  private final int dModel, heads, headDim;
  private final Linear qkv, proj;
  private final Dropout attnDropout;
  private final float dropout;

  public MultiHeadSelfAttention(int dModel, int heads, float dropout, RandomGenerator rng) {
    if (heads <= 0 || dModel % heads != 0) {
      throw new IllegalArgumentException("MultiHeadSelfAttention: dModel " + dModel + " must be divisible by heads " + heads);
    }
    this.dModel = dModel;
    this.heads = heads;
    this.headDim = dModel / heads;
    this.qkv = registerModule("qkv", new Linear(dModel, 3 * dModel, rng));
    this.proj = registerModule("proj", new Linear(dModel, dModel, rng));
    this.attnDropout = registerModule("dropout", new Dropout(dropout, rng));
    this.dropout = dropout;
  }

  @Override
  public Tensor forward(Tensor x) {
    if (x.dim() != 3 || x.shape(2) != dModel) {
      throw new IllegalArgumentException("MultiHeadSelfAttention: expected [B, T, " + dModel + "], got " + Arrays.toString(x.shape()));
    }
    int b = x.shape(0), t = x.shape(1);
    Tensor mixed;
    if (dropout == 0f || !isTraining()) {
      // No dropout on the weights: one fused kernel reads each head in place from the packed projection
      // and writes the merged [B, T, C] result (scores stay in cache, only the weights are kept).
      mixed = Attention.selfAttention(qkv.forward(x), heads, true);
    } else {
      // [B, T, 3C] -> [B, T, 3, H, D] -> [3, B, H, T, D]
      Tensor packed = qkv.forward(x).reshape(b, t, 3, heads, headDim).permute(2, 0, 3, 1, 4);
      Tensor q = packed.select(0, 0), k = packed.select(0, 1), v = packed.select(0, 2);
      Tensor scores = q.matmul(k.mT()).mul((float) (1 / Math.sqrt(headDim))).add(causalMask(t));
      mixed = attnDropout.forward(scores.softmax(-1)).matmul(v).permute(0, 2, 1, 3).reshape(b, t, dModel);
    }
    return proj.forward(mixed);
  }

  /** 0 on and below the diagonal, a large negative number above it (finite, so anomaly mode stays quiet). */
  static Tensor causalMask(int t) {
    float[] m = new float[t * t];
    for (int i = 0; i < t; i++) for (int j = i + 1; j < t; j++) m[i * t + j] = -1e9f;
    return Tensor.of(m, t, t);
  }

  @Override
  protected String extraRepr() {
    return "dModel=" + dModel + ", heads=" + heads;
  }
}
