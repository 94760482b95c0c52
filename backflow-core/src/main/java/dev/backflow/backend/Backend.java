package dev.backflow.backend;

import java.util.random.RandomGenerator;

/**
 * The kernels every op is built from. A backend knows nothing of gradients: autograd calls it for
 * forward values and for the numbers its backward rules need. Inputs may be any strided view; outputs
 * are fresh contiguous arrays unless a method says otherwise. Implementations validate what only they
 * can see (index values) before writing anything, so a failed call leaves no partial result.
 */
public interface Backend {

  String name();

  // ---- creation
  NdArray full(int[] shape, float value);

  NdArray arange(double start, double end, double step);

  NdArray eye(int n, int m);

  /** Standard normal samples, in row-major order, drawn from {@code rng}. */
  NdArray randn(int[] shape, RandomGenerator rng);

  /** Uniform samples in [low, high). */
  NdArray rand(int[] shape, float low, float high, RandomGenerator rng);

  /** Dropout mask: {@code scale} with probability {@code keep}, else 0. */
  NdArray bernoulli(int[] shape, float keep, float scale, RandomGenerator rng);

  // ---- copies
  /** {@code x} itself when contiguous, else a contiguous copy. */
  NdArray contiguous(NdArray x);

  /** A contiguous copy, always fresh. */
  NdArray copy(NdArray x);

  /** Writes {@code src} (broadcast to dst's shape) into the view {@code dst}. */
  void copyInto(NdArray src, NdArray dst);

  // ---- element-wise
  NdArray unary(UnaryOp op, NdArray x, float p, float q);

  /**
   * g · op(x) for same-shaped g and x: an activation's backward pass (op its local derivative, D_GELU_ERF,
   * D_LEAKY_RELU...) in one sweep instead of a derivative array and a product.
   */
  default NdArray mulUnary(NdArray g, UnaryOp op, NdArray x, float p, float q) {
    return binary(BinaryOp.MUL, g, unary(op, x, p, q));
  }

  /** a op b with broadcasting; the result has the broadcast shape. */
  NdArray binary(BinaryOp op, NdArray a, NdArray b);

  /** target = target op b, b broadcast to target's shape; target must not overlap itself. */
  void binaryInPlace(BinaryOp op, NdArray target, NdArray b);

  /** cond != 0 ? a : b, broadcasting all three. */
  NdArray where(NdArray cond, NdArray a, NdArray b);

  // ---- reductions
  /** Reduces the dims flagged in {@code dims} (length = rank). */
  NdArray reduce(ReduceOp op, NdArray x, boolean[] dims, boolean keepDim);

  /** Index of the max (op MAX) or min (op MIN) along {@code dim}, first on ties, as float values. */
  NdArray argReduce(ReduceOp op, NdArray x, int dim, boolean keepDim);

  /** True when every element is finite. */
  boolean allFinite(NdArray x);

  // ---- softmax family (fused: numerically stable, one pass per row)
  NdArray softmax(NdArray x, int dim, boolean log);

  /** Gradient wrt the softmax input, given its output y and the output gradient gy. */
  NdArray softmaxBackward(NdArray y, NdArray gy, int dim, boolean log);

  // ---- normalization (fused: one pass per row instead of ~10 element-wise ops and their temporaries)
  /**
   * Layer normalization over the last dim: {y, mean, rstd} with y = (x - mean) · rstd · gamma + beta,
   * rstd = 1/√(var + eps) (biased variance), mean and rstd of shape [rows]. gamma and beta may be null.
   */
  NdArray[] layerNorm(NdArray x, NdArray gamma, NdArray beta, float eps);

  /** {dx, dgamma, dbeta} of {@link #layerNorm} from gy, x, the saved mean and rstd, and gamma (or null). */
  NdArray[] layerNormBackward(NdArray gy, NdArray x, NdArray mean, NdArray rstd, NdArray gamma);

  // ---- attention (fused: per head, scores never leave a cache-sized scratch tile)
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

  // ---- cross-entropy (fused: one pass forward, one backward)
  /**
   * Mean softmax cross-entropy of logits [N, C] (contiguous) against validated class indices (entries equal
   * to ignoreIndex skipped): {loss [], probabilities [N, C]}.
   */
  NdArray[] crossEntropy(NdArray logits, int[] targets, int ignoreIndex);

  /** d loss / d logits = (p - onehot) · g / (rows counted), from the saved probabilities. */
  NdArray crossEntropyBackward(NdArray probs, int[] targets, int ignoreIndex, float g);

  // ---- linear algebra
  /**
   * Batched product [batch..., M, K] x [batch..., K, N] -> [batch..., M, N] (equal batch dims, rank >= 3).
   * Operands may be transposed, permuted or otherwise strided views (including stride-0 broadcast batches);
   * the kernel reads them in place.
   */
  NdArray bmm(NdArray a, NdArray b);

  /**
   * A Linear layer's forward pass, x [..., in] times w [out, in] transposed, plus bias [out] (or null),
   * as one product: w is read through its strides (no transposed copy) and the bias is added to each
   * output tile while it is in cache. Result [..., out].
   */
  NdArray linear(NdArray x, NdArray w, NdArray bias);

  // ---- 16-bit storage (mixed precision)
  /** bfloat16 bits of each element (round to nearest even; NaN stays NaN), in row-major order. */
  short[] toBf16(NdArray x);

  /** A contiguous float32 array from bfloat16 bits. */
  NdArray fromBf16(short[] bits, int[] shape);

  // ---- optimizer steps (fused: one pass over memory instead of a chain of element-wise ops)
  /**
   * One Adam step in place on contiguous arrays, with PyTorch's arithmetic: g' = g + l2·p;
   * m = β1 m + (1-β1) g'; v = β2 v + (1-β2) g'²; p = p·decay - stepSize · m / (√v / bc2Sqrt + eps).
   * {@code decay} is 1 - lr·λ for AdamW and 1 for Adam.
   */
  void adamUpdate(NdArray param, NdArray grad, NdArray expAvg, NdArray expAvgSq, float beta1, float beta2,
                  float stepSize, float bc2Sqrt, float eps, float l2, float decay);

  // ---- convolution and pooling (NCHW)
  default NdArray conv2d(NdArray x, NdArray w, Conv2dSpec spec) {
    return conv2d(x, w, null, spec);
  }

  /** As conv2d, plus bias[o] added to every output of channel o (bias [O] or null), while each plane is in cache. */
  NdArray conv2d(NdArray x, NdArray w, NdArray bias, Conv2dSpec spec);

  NdArray conv2dBackwardInput(NdArray gOut, NdArray w, int[] xShape, Conv2dSpec spec);

  NdArray conv2dBackwardWeight(NdArray gOut, NdArray x, int[] wShape, Conv2dSpec spec);

  PoolResult maxPool2d(NdArray x, Pool2dSpec spec);

  NdArray maxPool2dBackward(NdArray gOut, int[] argmax, int[] xShape);

  NdArray avgPool2d(NdArray x, Pool2dSpec spec);

  NdArray avgPool2dBackward(NdArray gOut, int[] xShape, Pool2dSpec spec);

  // ---- indexing
  /** out[i][j][k] = x[i][index[i][j][k]][k] (for dim 1), as torch.gather. */
  NdArray gather(NdArray x, int dim, NdArray index);

  /** zeros(shape), then out[...index...] += src, as torch.scatter_add. */
  NdArray scatterAdd(int[] shape, int dim, NdArray index, NdArray src);

  /** Slices of {@code x} along {@code dim} at positions {@code index}. */
  NdArray indexSelect(NdArray x, int dim, int[] index);

  /** zeros(shape), then slices {@code index[i]} along dim += src slice i. */
  NdArray indexAdd(int[] shape, int dim, int[] index, NdArray src);
}
