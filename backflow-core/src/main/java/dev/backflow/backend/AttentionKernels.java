package dev.backflow.backend;

/** Fused scaled dot-product attention, per head, scores kept in a cache-sized tile. Part of {@link Backend}; knows nothing of gradients. */
public interface AttentionKernels {

  /**
   * softmax(Q Kᵀ · scale, causal mask if asked) V, like {@code F.scaled_dot_product_attention(q, k, v,
   * is_causal=causal, scale=scale)}, keeping the weights for the backward pass. The causal mask is top-left aligned
   * (query i sees keys 0..i).
   *
   * @param q the queries, [..., Tq, D]
   * @param k the keys, [..., Tk, D]
   * @param v the values, [..., Tk, Dv]
   * @param scale the factor on the scores, usually 1/√D
   * @param causal whether query i may only see keys 0..i
   * @return {out [..., Tq, Dv], weights [..., Tq, Tk]}
   */
  NdArray[] attention(NdArray q, NdArray k, NdArray v, float scale, boolean causal);

  /**
   * The gradients of {@link #attention} from the output gradient and the saved weights.
   *
   * @param gOut the output gradient, [..., Tq, Dv]
   * @param q the forward pass's queries
   * @param k the forward pass's keys
   * @param v the forward pass's values
   * @param weights the saved attention weights, [..., Tq, Tk]
   * @param scale the forward pass's scale
   * @param causal the forward pass's mask setting
   * @return {dQ, dK, dV}, each of its input's shape
   */
  NdArray[] attentionBackward(NdArray gOut, NdArray q, NdArray k, NdArray v, NdArray weights, float scale, boolean causal);

  /**
   * Multi-head self-attention over a packed projection (GPT's {@code c_attn} output), heads read and written in place
   * without splitting copies.
   *
   * @param qkv queries, keys and values side by side, [B, T, 3C]
   * @param heads the number of heads; each has C/heads features
   * @param scale the factor on the scores, usually 1/√(C/heads)
   * @param causal whether position i may only see positions 0..i
   * @return {out [B, T, C] (heads merged), weights [B, heads, T, T]}
   */
  NdArray[] selfAttention(NdArray qkv, int heads, float scale, boolean causal);

  /**
   * The gradient of {@link #selfAttention} with respect to its packed input.
   *
   * @param gOut the output gradient, [B, T, C]
   * @param qkv the forward pass's input, [B, T, 3C]
   * @param weights the saved weights, [B, heads, T, T]
   * @param heads the number of heads
   * @param scale the forward pass's scale
   * @param causal the forward pass's mask setting
   * @return d qkv, [B, T, 3C]
   */
  NdArray selfAttentionBackward(NdArray gOut, NdArray qkv, NdArray weights, int heads, float scale, boolean causal);
}
