package dev.backflow.backend.cpu;

import dev.backflow.backend.NdArray;
import dev.backflow.backend.NormalizationKernels;

/**
 * Layer normalization over the last dim, forward and backward, one row at a time. Composed from
 * primitives it is ~10 element-wise ops forward and ~20 backward, each a pass over memory with a fresh
 * temporary; here it is two passes forward and two backward, each a vectorized row kernel (FusedKernels).
 *
 * <pre>
 *   forward   x̂ = (x - mean) · rstd,  y = x̂ · γ + β,  rstd = 1/√(var + eps)
 *   backward  ĝ = gy · γ,  dx = rstd · (ĝ - mean(ĝ) - x̂ · mean(ĝ · x̂)),  dγ = Σ_rows gy · x̂,  dβ = Σ_rows gy
 * </pre>
 */
final class Normalization implements NormalizationKernels {
  private final FusedKernels fused;

  Normalization(FusedKernels fused) {
    this.fused = fused;
  }

  /** Rows per thread below which splitting does not pay. */
  private static final int MIN_ELEMENTS_PER_TASK = 1 << 14;

  static NdArray[] layerNorm(FusedKernels fused, NdArray x, NdArray gamma, NdArray beta, float eps) {
    int d = x.shape(x.rank() - 1), rows = d == 0 ? 0 : x.size() / d;
    check("layerNorm", d, gamma, beta);
    float[] xd = x.data(), y = BufferPool.take(x.size()), mean = new float[rows], rstd = new float[rows];
    float[] g = gamma == null ? null : gamma.data(), b = beta == null ? null : beta.data();
    int go = gamma == null ? 0 : gamma.offset(), bo = beta == null ? 0 : beta.offset(), xo = x.offset();
    int tasks = tasks(x.size(), rows);
    Parallel.forEach(tasks, t -> {
      for (int r = (int) ((long) rows * t / tasks), end = (int) ((long) rows * (t + 1) / tasks); r < end; r++) {
        int off = xo + r * d, out = r * d;
        float m = (float) (fused.sum(xd, off, d) / d);
        float rs = (float) (1 / Math.sqrt(fused.squaredDeviations(xd, off, d, m) / d + eps));
        mean[r] = m;
        rstd[r] = rs;
        fused.normalize(xd, off, d, m, rs, g, go, b, bo, y, out);
      }
    });
    int[] rowShape = rowShape(x);
    return new NdArray[] {x.withData(y), NdArray.wrapOwned(mean, rowShape), NdArray.wrapOwned(rstd, rowShape(x))};
  }

  static NdArray[] layerNormBackward(FusedKernels fused, NdArray gy, NdArray x, NdArray mean, NdArray rstd, NdArray gamma) {
    int d = x.shape(x.rank() - 1), rows = d == 0 ? 0 : x.size() / d;
    check("layerNormBackward", d, gamma, null);
    if (!gy.sameShape(x) || mean.size() != rows || rstd.size() != rows) {
      throw new IllegalArgumentException("layerNormBackward: gradient " + gy + ", input " + x + ", statistics "
          + mean + " and " + rstd + " do not match");
    }
    float[] xd = x.data(), gd = gy.data(), md = mean.data(), sd = rstd.data(), dx = BufferPool.take(x.size());
    float[] g = gamma == null ? null : gamma.data();
    int go = gamma == null ? 0 : gamma.offset(), xo = x.offset(), gyo = gy.offset(), mo = mean.offset(), so = rstd.offset();
    int tasks = tasks(x.size(), rows);
    // Each task sums dγ and dβ over its rows; partials are added in task order (deterministic per thread count).
    float[][] dGamma = new float[tasks][d], dBeta = new float[tasks][d];
    Parallel.forEach(tasks, t -> {
      for (int r = (int) ((long) rows * t / tasks), end = (int) ((long) rows * (t + 1) / tasks); r < end; r++) {
        fused.layerNormBackwardRow(xd, xo + r * d, gd, gyo + r * d, d, md[mo + r], sd[so + r], g, go, dGamma[t], dBeta[t], dx, r * d);
      }
    });
    float[] dgOut = new float[d], dbOut = new float[d];
    for (int j = 0; j < d; j++) {
      double sg = 0, sb = 0;
      for (int t = 0; t < tasks; t++) {
        sg += dGamma[t][j];
        sb += dBeta[t][j];
      }
      dgOut[j] = (float) sg;
      dbOut[j] = (float) sb;
    }
    return new NdArray[] {x.withData(dx), NdArray.wrap(dgOut, d), NdArray.wrap(dbOut, d)};
  }

  private static int tasks(int size, int rows) {
    return Math.max(1, Math.min(Math.min(Parallel.threads(), rows), size / MIN_ELEMENTS_PER_TASK));
  }

  private static int[] rowShape(NdArray x) {
    int[] s = x.shape();
    return java.util.Arrays.copyOf(s, s.length - 1);
  }

  private static void check(String op, int d, NdArray gamma, NdArray beta) {
    for (NdArray p : new NdArray[] {gamma, beta}) {
      if (p != null && (p.rank() != 1 || p.size() != d)) {
        throw new IllegalArgumentException(op + ": weight and bias must have shape [" + d + "], got " + p);
      }
    }
  }

  @Override
  public NdArray[] layerNorm(NdArray x, NdArray gamma, NdArray beta, float eps) {
    return layerNorm(fused, Storage.dense(x), gamma == null ? null : Storage.dense(gamma), beta == null ? null : Storage.dense(beta), eps);
  }

  @Override
  public NdArray[] layerNormBackward(NdArray gy, NdArray x, NdArray mean, NdArray rstd, NdArray gamma) {
    return layerNormBackward(fused, Storage.dense(gy), Storage.dense(x), Storage.dense(mean), Storage.dense(rstd),
        gamma == null ? null : Storage.dense(gamma));
  }
}
