package dev.backflow.ops;

import dev.backflow.autograd.Graph;
import dev.backflow.backend.Backends;
import dev.backflow.backend.NdArray;
import dev.backflow.tensor.Tensor;

/** Scaled dot-product attention as one fused op (PyTorch's F.scaled_dot_product_attention without dropout). */
public final class Attention {
  private Attention() {}

  // O = softmax(Q Kᵀ/√D [+ causal mask]) V;  dV = Pᵀ dO,  dS = P ⊙ (dO Vᵀ - rowsum(dO Vᵀ ⊙ P)),
  // dQ = dS K/√D,  dK = dSᵀ Q/√D  (P: the attention weights, saved by the forward kernel)
  public static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, boolean causal) {
    float scale = (float) (1 / Math.sqrt(q.shape(-1)));
    NdArray[] r = Backends.current().attention().attention(Graph.array(q), Graph.array(k), Graph.array(v), scale, causal);
    NdArray weights = r[1];
    return Graph.record("scaledDotProductAttention", r[0], (g, need) -> {
      NdArray[] grads = Backends.current().attention().attentionBackward(Graph.array(g), Graph.array(q), Graph.array(k), Graph.array(v), weights, scale, causal);
      return new Tensor[] {Graph.constant(grads[0]), Graph.constant(grads[1]), Graph.constant(grads[2])};
    }, q, k, v);
  }

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
    return Graph.record("selfAttention", r[0], (g, need) -> new Tensor[] {
        Graph.constant(Backends.current().attention().selfAttentionBackward(Graph.array(g), Graph.array(qkv), weights, heads, scale, causal))}, qkv);
  }
}
