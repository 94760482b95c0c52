package dev.backflow.backend.cpu;

import dev.backflow.backend.NdArray;

/**
 * Layer normalization over the last dim, forward and backward, one row at a time. Composed from
 * primitives it is ~10 element-wise ops forward and ~20 backward, each a pass over memory with a fresh
 * temporary; here it is two passes forward and two backward. Statistics are accumulated in double.
 *
 * <pre>
 *   forward   x̂ = (x - mean) · rstd,  y = x̂ · γ + β,  rstd = 1/√(var + eps)
 *   backward  ĝ = gy · γ,  dx = rstd · (ĝ - mean(ĝ) - x̂ · mean(ĝ · x̂)),  dγ = Σ_rows gy · x̂,  dβ = Σ_rows gy
 * </pre>
 */
final class Normalization {
  private Normalization() {}

  /** Rows per thread below which splitting does not pay. */
  private static final int MIN_ELEMENTS_PER_TASK = 1 << 14;

  static NdArray[] layerNorm(NdArray x, NdArray gamma, NdArray beta, float eps) {
    int d = x.shape(x.rank() - 1), rows = d == 0 ? 0 : x.size() / d;
    check("layerNorm", d, gamma, beta);
    float[] xd = x.data(), y = new float[x.size()], mean = new float[rows], rstd = new float[rows];
    float[] g = gamma == null ? null : gamma.data(), b = beta == null ? null : beta.data();
    int go = gamma == null ? 0 : gamma.offset(), bo = beta == null ? 0 : beta.offset(), xo = x.offset();
    int tasks = tasks(x.size(), rows);
    Parallel.forEach(tasks, t -> {
      for (int r = (int) ((long) rows * t / tasks), end = (int) ((long) rows * (t + 1) / tasks); r < end; r++) {
        int off = xo + r * d, out = r * d;
        double mu = sum(xd, off, d) / d, sq = squaredDeviations(xd, off, d, mu);
        float m = (float) mu, rs = (float) (1 / Math.sqrt(sq / d + eps));
        mean[r] = m;
        rstd[r] = rs;
        for (int j = 0; j < d; j++) {
          float v = (xd[off + j] - m) * rs;
          if (g != null) v *= g[go + j];
          if (b != null) v += b[bo + j];
          y[out + j] = v;
        }
      }
    });
    int[] rowShape = rowShape(x);
    return new NdArray[] {x.withData(y), NdArray.wrapOwned(mean, rowShape), NdArray.wrapOwned(rstd, rowShape(x))};
  }

  static NdArray[] layerNormBackward(NdArray gy, NdArray x, NdArray mean, NdArray rstd, NdArray gamma) {
    int d = x.shape(x.rank() - 1), rows = d == 0 ? 0 : x.size() / d;
    check("layerNormBackward", d, gamma, null);
    if (!gy.sameShape(x) || mean.size() != rows || rstd.size() != rows) {
      throw new IllegalArgumentException("layerNormBackward: gradient " + gy + ", input " + x + ", statistics "
          + mean + " and " + rstd + " do not match");
    }
    float[] xd = x.data(), gd = gy.data(), md = mean.data(), sd = rstd.data(), dx = new float[x.size()];
    float[] g = gamma == null ? null : gamma.data();
    int go = gamma == null ? 0 : gamma.offset(), xo = x.offset(), gyo = gy.offset(), mo = mean.offset(), so = rstd.offset();
    int tasks = tasks(x.size(), rows);
    // Each task sums dγ and dβ over its rows; partials are added in task order (deterministic per thread count).
    double[][] dGamma = new double[tasks][d], dBeta = new double[tasks][d];
    Parallel.forEach(tasks, t -> {
      double[] dg = dGamma[t], db = dBeta[t];
      for (int r = (int) ((long) rows * t / tasks), end = (int) ((long) rows * (t + 1) / tasks); r < end; r++) {
        int xr = xo + r * d, gr = gyo + r * d, out = r * d;
        float m = md[mo + r], rs = sd[so + r];
        // Two accumulators per sum (even and odd j) halve the add-latency chain.
        double sumG0 = 0, sumG1 = 0, sumGx0 = 0, sumGx1 = 0;
        int j2 = 0;
        for (; j2 + 1 < d; j2 += 2) {
          float xa = (xd[xr + j2] - m) * rs, ga = gd[gr + j2], xb = (xd[xr + j2 + 1] - m) * rs, gb = gd[gr + j2 + 1];
          float ha = g == null ? ga : ga * g[go + j2], hb = g == null ? gb : gb * g[go + j2 + 1];
          sumG0 += ha;
          sumG1 += hb;
          sumGx0 += ha * xa;
          sumGx1 += hb * xb;
          dg[j2] += ga * xa;
          db[j2] += ga;
          dg[j2 + 1] += gb * xb;
          db[j2 + 1] += gb;
        }
        for (; j2 < d; j2++) {
          float xa = (xd[xr + j2] - m) * rs, ga = gd[gr + j2];
          float ha = g == null ? ga : ga * g[go + j2];
          sumG0 += ha;
          sumGx0 += ha * xa;
          dg[j2] += ga * xa;
          db[j2] += ga;
        }
        double sumG = sumG0 + sumG1, sumGx = sumGx0 + sumGx1;
        float meanG = (float) (sumG / d), meanGx = (float) (sumGx / d);
        for (int j = 0; j < d; j++) {
          float xhat = (xd[xr + j] - m) * rs, gj = gd[gr + j];
          float ghat = g == null ? gj : gj * g[go + j];
          dx[out + j] = rs * (ghat - meanG - xhat * meanGx);
        }
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

  // Four independent accumulators: one chain of double adds would wait on each add's latency.
  private static double sum(float[] x, int off, int n) {
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

  private static double squaredDeviations(float[] x, int off, int n, double mu) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int j = 0;
    for (; j + 3 < n; j += 4) {
      double a = x[off + j] - mu, b = x[off + j + 1] - mu, c = x[off + j + 2] - mu, e = x[off + j + 3] - mu;
      s0 += a * a;
      s1 += b * b;
      s2 += c * c;
      s3 += e * e;
    }
    for (; j < n; j++) {
      double a = x[off + j] - mu;
      s0 += a * a;
    }
    return (s0 + s1) + (s2 + s3);
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
}
