package dev.backflow.ops;

import dev.backflow.autograd.Autograd;
import dev.backflow.autograd.Graph;
import dev.backflow.backend.Backends;
import dev.backflow.backend.NdArray;
import dev.backflow.tensor.Tensor;

/** Scaled dot-product attention as one fused op (PyTorch's F.scaled_dot_product_attention without dropout). */
public final class Attention {
  private Attention() {}

  /**
   * {@code softmax(q kᵀ / √D [+ causal mask]) v} as one fused op; like
   * {@code torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=causal)} without dropout or a custom mask.
   * Leading dimensions (batch, heads) are shared by all three inputs.
   *
   * @param q queries {@code [..., Tq, D]}
   * @param k keys {@code [..., Tk, D]}
   * @param v values {@code [..., Tk, Dv]}
   * @param causal true to let query {@code i} see only keys {@code 0..i} (the mask is aligned top-left)
   * @return the attended values {@code [..., Tq, Dv]}
   */
  // O = softmax(Q Kᵀ/√D [+ causal mask]) V;  dV = Pᵀ dO,  dS = P ⊙ (dO Vᵀ - rowsum(dO Vᵀ ⊙ P)),
  // dQ = dS K/√D,  dK = dSᵀ Q/√D  (P: the attention weights, saved by the forward kernel)
  public static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, boolean causal) {
    float scale = (float) (1 / Math.sqrt(q.shape(-1)));
    NdArray[] r = Backends.current().attention().attention(Graph.array(q), Graph.array(k), Graph.array(v), scale, causal);
    NdArray weights = r[1];
    Tensor out = Graph.record("scaledDotProductAttention", r[0], (g, need) -> {
      if (Autograd.isGradEnabled()) return differentiableGrads(g, q, k, v, scale, causal);
      NdArray[] grads = Backends.current().attention().attentionBackward(Graph.array(g), Graph.array(q), Graph.array(k), Graph.array(v), weights, scale, causal);
      return new Tensor[] {Graph.constant(grads[0]), Graph.constant(grads[1]), Graph.constant(grads[2])};
    }, q, k, v);
    // The weights are the rule's alone: reused for the next step's once backward has consumed the graph.
    Graph.releaseSavedAfterBackward(out, weights);
    return out;
  }

  /**
   * Multi-head self-attention over a packed projection, without splitting the heads out: the last dimension of
   * {@code qkv} holds the queries, keys and values one after the other, each {@code C} wide and cut into
   * {@code heads} heads of {@code C / heads}. Equivalent to splitting, running
   * {@link #scaledDotProductAttention} per head, and merging the heads back, at a lower cost.
   *
   * @param qkv the packed projection {@code [B, T, 3C]}
   * @param heads the number of heads; must divide {@code C}
   * @param causal true to let position {@code t} attend only to positions {@code 0..t}
   * @return the attention output with the heads merged, {@code [B, T, C]}
   * @throws IllegalArgumentException if {@code qkv} is not three-dimensional or {@code 3C} is not divisible by
   *     {@code 3 · heads}
   */
  // The same per head, over a packed projection qkv [B, T, 3C]; the result [B, T, C] has the heads merged
  // and the gradient arrives as one [B, T, 3C] array: no head is copied out or back in.
  public static Tensor selfAttention(Tensor qkv, int heads, boolean causal) {
    if (qkv.dim() != 3 || heads <= 0 || qkv.shape(2) % (3 * heads) != 0) {
      throw new IllegalArgumentException("selfAttention: expected [B, T, 3C] with C divisible by " + heads + " heads, got "
          + java.util.Arrays.toString(qkv.shape()));
    }
    float scale = (float) (1 / Math.sqrt(qkv.shape(2) / 3 / heads));
    NdArray[] r = Backends.current().attention().selfAttention(Graph.array(qkv), heads, scale, causal);
    NdArray weights = r[1];
    Tensor out = Graph.record("selfAttention", r[0], (g, need) -> {
      if (!Autograd.isGradEnabled()) {
        return new Tensor[] {Graph.constant(Backends.current().attention().selfAttentionBackward(Graph.array(g), Graph.array(qkv), weights, heads, scale, causal))};
      }
      int b = qkv.shape(0), t = qkv.shape(1), c = qkv.shape(2) / 3;
      Tensor[] qkvHeads = new Tensor[3];
      for (int i = 0; i < 3; i++) qkvHeads[i] = qkv.narrow(2, i * c, c).reshape(b, t, heads, c / heads).permute(0, 2, 1, 3);
      Tensor gHeads = g.reshape(b, t, heads, c / heads).permute(0, 2, 1, 3);
      Tensor[] d = differentiableGrads(gHeads, qkvHeads[0], qkvHeads[1], qkvHeads[2], scale, causal);
      for (int i = 0; i < 3; i++) d[i] = d[i].permute(0, 2, 1, 3).reshape(b, t, c);
      return new Tensor[] {Tensor.cat(2, d)};
    }, qkv);
    Graph.releaseSavedAfterBackward(out, weights);
    return out;
  }

  /**
   * The backward pass in tensor ops, for createGraph (the fused kernel's is first-order only): with P
   * recomputed from Q and K, dV = Pᵀ G, dS = P ⊙ (G Vᵀ - rowsum(G Vᵀ ⊙ P)), dQ = dS K s, dK = dSᵀ Q s.
   */
  private static Tensor[] differentiableGrads(Tensor g, Tensor q, Tensor k, Tensor v, float scale, boolean causal) {
    Tensor scores = q.matmul(k.mT()).mul(scale);
    if (causal) {
      int tq = q.shape(-2), tk = k.shape(-2);
      float[] mask = new float[tq * tk];
      for (int i = 0; i < tq; i++) for (int j = i + 1; j < tk; j++) mask[i * tk + j] = Float.NEGATIVE_INFINITY;
      scores = scores.add(Tensor.of(mask, tq, tk));
    }
    Tensor p = scores.softmax(-1);
    Tensor dp = g.matmul(v.mT());
    Tensor ds = p.mul(dp.sub(dp.mul(p).sum(new int[] {-1}, true)));
    return new Tensor[] {
        ds.matmul(k).mul(scale).sumTo(q.shape()),
        ds.mT().matmul(q).mul(scale).sumTo(k.shape()),
        p.mT().matmul(g).sumTo(v.shape())};
  }
}
