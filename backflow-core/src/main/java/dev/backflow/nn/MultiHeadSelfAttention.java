package dev.backflow.nn;

import dev.backflow.autograd.Graph;
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

  /**
   * Causal attention of {@code heads} heads over a model width {@code dModel} (divisible by heads).
   * Takes {@code [B, T, dModel]} to {@code [B, T, dModel]}; close to
   * {@code torch.nn.MultiheadAttention(dModel, heads, dropout)} with a causal mask and {@code batch_first=True}.
   *
   * @param dModel the model width C
   * @param heads the number of heads; each has width {@code dModel / heads}
   * @param dropout the dropout probability during training, in [0, 1]
   * @param rng the generator that draws the projections' initial weights and the dropout masks
   * @throws IllegalArgumentException if {@code heads} is not positive or does not divide {@code dModel}
   */
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
      // Both are read only by the next op here: their storage is reused once backward has consumed the graph.
      mixed = Graph.releaseAfterBackward(Attention.selfAttention(Graph.releaseAfterBackward(qkv.forward(x)), heads, true));
    } else {
      // [B, T, 3C] -> [B, T, 3, H, D] -> [3, B, H, T, D]
      Tensor packed = qkv.forward(x).reshape(b, t, 3, heads, headDim).permute(2, 0, 3, 1, 4);
      Tensor q = packed.select(0, 0), k = packed.select(0, 1), v = packed.select(0, 2);
      Tensor scores = q.matmul(k.mT()).mul((float) (1 / Math.sqrt(headDim))).add(causalMask(t));
      mixed = attnDropout.forward(scores.softmax(-1)).matmul(v).permute(0, 2, 1, 3).reshape(b, t, dModel);
    }
    return proj.forward(mixed);
  }

  /**
   * Keys and values of the positions seen so far, per block, for generation: a new position's query attends
   * to them without recomputing their projections (a KV cache).
   */
  static final class KvCache {
    Tensor keys, values;   // [B, H, T, D]

    int length() {
      return keys == null ? 0 : keys.shape(2);
    }
  }

  /**
   * Attention for the new positions {@code x} [B, Tn, C] that follow the {@code cache.length()} cached ones
   * (evaluation only, no dropout): their keys and values are appended to the cache; position p attends to
   * positions 0..p, as in {@link #forward}.
   */
  Tensor forwardCached(Tensor x, KvCache cache) {
    int b = x.shape(0), tn = x.shape(1), past = cache.length();
    Tensor packed = qkv.forward(x).reshape(b, tn, 3, heads, headDim).permute(2, 0, 3, 1, 4);
    Tensor q = packed.select(0, 0), k = packed.select(0, 1).contiguous(), v = packed.select(0, 2).contiguous();
    cache.keys = past == 0 ? k : Tensor.cat(2, cache.keys, k);
    cache.values = past == 0 ? v : Tensor.cat(2, cache.values, v);
    int total = past + tn;
    Tensor scores = q.matmul(cache.keys.mT()).mul((float) (1 / Math.sqrt(headDim)));
    if (tn > 1) {
      float[] m = new float[tn * total];
      for (int i = 0; i < tn; i++) for (int j = past + i + 1; j < total; j++) m[i * total + j] = -1e9f;
      scores = scores.add(Tensor.of(m, tn, total));
    }
    Tensor mixed = scores.softmax(-1).matmul(cache.values).permute(0, 2, 1, 3).reshape(b, tn, dModel);
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
