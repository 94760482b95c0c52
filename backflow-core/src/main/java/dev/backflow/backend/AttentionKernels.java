package dev.backflow.backend;

/** Fused scaled dot-product attention, per head, scores kept in a cache-sized tile. Part of {@link Backend}; knows nothing of gradients. */
public interface AttentionKernels {

  /**
   * softmax(Q Kᵀ · scale, causal mask if asked) V for Q [..., Tq, D], K [..., Tk, D], V [..., Tk, Dv]:
   * {out [..., Tq, Dv], weights [..., Tq, Tk]}. The causal mask is top-left aligned (query i sees keys 0..i).
   */
  NdArray[] attention(NdArray q, NdArray k, NdArray v, float scale, boolean causal);

  /** {dQ, dK, dV} of {@link #attention} from the output gradient and the saved weights. */
  NdArray[] attentionBackward(NdArray gOut, NdArray q, NdArray k, NdArray v, NdArray weights, float scale, boolean causal);

  /**
   * Self-attention over a packed projection qkv [B, T, 3C] with {@code heads} heads of C/heads:
   * {out [B, T, C] (heads merged), weights [B, heads, T, T]}, heads read and written in place.
   */
  NdArray[] selfAttention(NdArray qkv, int heads, float scale, boolean causal);

  /** d qkv [B, T, 3C] of {@link #selfAttention} from the output gradient [B, T, C] and the saved weights. */
  NdArray selfAttentionBackward(NdArray gOut, NdArray qkv, NdArray weights, int heads, float scale, boolean causal);
}
