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
