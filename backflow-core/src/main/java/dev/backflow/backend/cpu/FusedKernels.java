package dev.backflow.backend.cpu;

/**
 * Fused element-wise kernels that run once per parameter per step and are memory-bound, with a Vector API
 * implementation and a plain-Java twin (chosen with the GEMM micro-kernel). Arrays are contiguous.
 */
interface FusedKernels {
  /** See {@link dev.backflow.backend.Backend#adamUpdate}. */
  void adam(float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo, int n,
            float beta1, float beta2, float stepSize, float bc2Sqrt, float eps, float l2, float decay);

  /**
   * Unary maps over contiguous arrays, x[xo..xo+n) -> y[yo..yo+n), p the op's parameter (leaky slope): returns
   * false when this implementation has no fast form of {@code op}, so the caller falls back to the generic loop.
   */
  boolean unary(dev.backflow.backend.UnaryOp op, float[] x, int xo, float[] y, int yo, int n, float p);

  /**
   * Binary maps over contiguous arrays, c[co..co+n) = a[ao..] op b[bo..], for ops the JIT does not vectorize
   * by itself (GATE's select); false when this implementation has no fast form of {@code op}.
   */
  boolean binary(dev.backflow.backend.BinaryOp op, float[] a, int ao, float[] b, int bo, float[] c, int co, int n);

  /**
   * y[yo + i] = e^(x[xo + i]·scale - shift) for i < n, returning their sum: the exponentials of a softmax
   * row (shift = the row's scaled max, so no term overflows). x and y may be the same array.
   */
  default double expShifted(float[] x, int xo, float[] y, int yo, int n, float scale, float shift) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      float e = (float) Math.exp(x[xo + i] * scale - shift);
      y[yo + i] = e;
      sum += e;
    }
    return sum;
  }

  /**
   * Softmax in place over one attention row: s[off + j] becomes e^(s·scale - max) / Σ for j < seen, and 0 for seen <= j
   * < len (the keys a causal query does not see).
   */
  default void softmaxRow(float[] s, int off, int seen, int len, float scale) {
    float max = Float.NEGATIVE_INFINITY;
    for (int j = 0; j < seen; j++) max = Math.max(max, s[off + j] * scale);
    float inv = (float) (1 / expShifted(s, off, s, off, seen, scale, max));
    for (int j = 0; j < seen; j++) s[off + j] *= inv;
    java.util.Arrays.fill(s, off + seen, off + len, 0f);
  }

  /**
   * One row of softmax's backward pass, in place: dp[i] becomes p[i]·(dp[i] - Σ_j dp[j]·p[j])·scale for i < n
   * (the attention scores' gradient from the weights' gradient dp and the weights p).
   */
  default void softmaxBackwardRow(float[] dp, int dpo, float[] p, int po, int n, float scale) {
    double dot = 0;
    for (int j = 0; j < n; j++) dot += (double) dp[dpo + j] * p[po + j];
    float dotF = (float) dot;
    for (int j = 0; j < n; j++) dp[dpo + j] = p[po + j] * (dp[dpo + j] - dotF) * scale;
  }

  // ---- layer norm rows (Normalization): statistics, normalization and the backward pass of one row

  /** Σ x[off..off+n), with four independent accumulators (one chain would wait on each add's latency). */
  default double sum(float[] x, int off, int n) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int j = 0;
    for (; j + 3 < n; j += 4) {
      s0 += x[off + j];
      s1 += x[off + j + 1];
      s2 += x[off + j + 2];
      s3 += x[off + j + 3];
    }
    for (; j < n; j++) s0 += x[off + j];
    return (s0 + s1) + (s2 + s3);
  }

  /** Σ (x - mu)² over x[off..off+n). */
  default double squaredDeviations(float[] x, int off, int n, float mu) {
    double s0 = 0, s1 = 0;
    int j = 0;
    for (; j + 1 < n; j += 2) {
      double a = x[off + j] - mu, b = x[off + j + 1] - mu;
      s0 += a * a;
      s1 += b * b;
    }
    for (; j < n; j++) {
      double a = x[off + j] - mu;
      s0 += a * a;
    }
    return s0 + s1;
  }

  /** y = (x - m)·rs·γ + β over one row (γ, β may be null). */
  default void normalize(float[] x, int xo, int n, float m, float rs, float[] g, int go, float[] b, int bo, float[] y, int yo) {
    for (int j = 0; j < n; j++) {
      float v = (x[xo + j] - m) * rs;
      if (g != null) v *= g[go + j];
      if (b != null) v += b[bo + j];
      y[yo + j] = v;
    }
  }

  /**
   * One row of layer norm's backward pass: with x̂ = (x - m)·rs and ĝ = gy·γ, adds gy·x̂ to dg and gy to db,
   * then writes dx = rs·(ĝ - mean(ĝ) - x̂·mean(ĝ·x̂)).
   */
  default void layerNormBackwardRow(float[] x, int xo, float[] gy, int gyo, int n, float m, float rs, float[] g, int go,
                                    float[] dg, float[] db, float[] dx, int dxo) {
    double sumG = 0, sumGx = 0;
    for (int j = 0; j < n; j++) {
      float xhat = (x[xo + j] - m) * rs, gj = gy[gyo + j];
      float ghat = g == null ? gj : gj * g[go + j];
      sumG += ghat;
      sumGx += ghat * xhat;
      dg[j] += gj * xhat;
      db[j] += gj;
    }
    float meanG = (float) (sumG / n), meanGx = (float) (sumGx / n);
    for (int j = 0; j < n; j++) {
      float xhat = (x[xo + j] - m) * rs, gj = gy[gyo + j];
      float ghat = g == null ? gj : gj * g[go + j];
      dx[dxo + j] = rs * (ghat - meanG - xhat * meanGx);
    }
  }

  /** The plain-Java twin, and the tail loop of the vector one. */
  static void adamScalar(float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo, int from, int n,
                         float beta1, float beta2, float stepSize, float bc2Sqrt, float eps, float l2, float decay) {
    float c1 = 1 - beta1, c2 = 1 - beta2;
    for (int i = from; i < n; i++) {
      float pi = p[po + i];
      float gi = g[go + i] + l2 * pi;
      float mi = m[mo + i] * beta1 + c1 * gi;
      float vi = v[vo + i] * beta2 + c2 * gi * gi;
      m[mo + i] = mi;
      v[vo + i] = vi;
      p[po + i] = pi * decay - stepSize * (mi / ((float) Math.sqrt(vi) / bc2Sqrt + eps));
    }
  }

  final class Scalar implements FusedKernels {
    @Override
    public boolean binary(dev.backflow.backend.BinaryOp op, float[] a, int ao, float[] b, int bo, float[] c, int co, int n) {
      return false;
    }

    @Override
    public boolean unary(dev.backflow.backend.UnaryOp op, float[] x, int xo, float[] y, int yo, int n, float p) {
      return false;
    }

    @Override
    public void adam(float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo, int n,
                     float beta1, float beta2, float stepSize, float bc2Sqrt, float eps, float l2, float decay) {
      adamScalar(p, po, g, go, m, mo, v, vo, 0, n, beta1, beta2, stepSize, bc2Sqrt, eps, l2, decay);
    }
  }
}
