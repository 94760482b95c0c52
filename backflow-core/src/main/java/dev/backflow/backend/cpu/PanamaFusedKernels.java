package dev.backflow.backend.cpu;

import dev.backflow.backend.UnaryOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API versions of the fused kernels: the same arithmetic, one vector of lanes at a time.
 *
 * <p>Every result here is a pure function of the inputs, whatever the JIT has compiled: the Vector API's own
 * transcendentals ({@code lanewise(EXP)}, {@code TANH}) give different last bits interpreted and compiled,
 * and a float {@code reduceLanes(ADD)} leaves its order unspecified, so a training step's bits would depend
 * on how warm its JVM is (two Spark executors, or a solo and a concurrent run, would disagree). So exp and
 * tanh are written out in adds, multiplies and exact conversions ({@link #exp}), and lanes are summed in lane
 * order ({@link #sumLanes}).
 */
final class PanamaFusedKernels implements FusedKernels {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  // Cephes' expf: e^x = 2^n · e^r, n = round(x · log2 e), r = x - n ln 2 (in two parts, so r is exact
  // enough), e^r by a degree-7 polynomial on |r| <= ln2/2 (about 1 ulp); 2^n as two exact powers so that
  // n up to 128 neither overflows early nor loses the subnormal range. Inputs are clamped to [-104, 89]:
  // beyond them the result is 0 or infinity anyway; NaN stays NaN.
  private static final float LOG2E = 1.44269504088896341f, ROUND = 12582912f, LN2_HI = 0.693359375f,
      LN2_LO = -2.12194440e-4f, E0 = 1.9875691500e-4f, E1 = 1.3981999507e-3f, E2 = 8.3334519073e-3f,
      E3 = 4.1665795894e-2f, E4 = 1.6666665459e-1f, E5 = 5.0000001201e-1f;
  private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);
  // tanh x = x + x^3 (T3 + x^2 (T5 + x^2 (T7 + x^2 T9))) below |x| = 0.25 (the next term is ~1e-8 relative),
  // 1 - 2 / (e^{2|x|} + 1) with the sign restored above.
  private static final float T3 = -1f / 3, T5 = 2f / 15, T7 = -17f / 315, T9 = 62f / 2835, TANH_SMALL = 0.25f;

  // No vector crosses a method boundary in this file: every helper works on arrays. A method that takes or
  // returns a FloatVector and is not inlined (C2 stops inlining a helper once its own compiled code is big,
  // which happens or not depending on which kernels ran first) gets its vectors boxed, one object per lane
  // group per call: on JDK 17, GELU, tanh, sigmoid and softmax ran at a tenth of their speed in some runs.

  /**
   * dst[dOff + i] = e^{src[so + i]} for i < m (a whole number of vectors), each lane bit for bit the same as
   * {@link #exp(float)}; src may be dst at the same offset.
   */
  static void expLanes(float[] src, int so, float[] dst, int dOff, int m) {
    float[] t = EXP_SCRATCH.get();
    for (int b = 0; b < m; b += BLOCK) {
      int len = Math.min(BLOCK, m - b);
      expMantissaLanes(src, so + b, dst, dOff + b, t, len);
      scaleByPowerOfTwoLanes(dst, dOff + b, t, len);
    }
  }

  // The exponential in two compiled methods, joined through t (n's carrier): in one, JDK 17's C2 lost track of
  // the vectors' exact class in some JVMs, failed the store intrinsic and boxed every vector (GPT worker 151-270 MB
  // per step instead of 92).
  private static final ThreadLocal<float[]> EXP_SCRATCH = ThreadLocal.withInitial(() -> new float[PanamaFusedKernels.BLOCK]);

  /** dst[dOff + i] = e^r and t[i] = n's carrier (x log2 e + ROUND) for x = src[so + i], i < m (whole vectors). */
  private static void expMantissaLanes(float[] src, int so, float[] dst, int dOff, float[] t, int m) {
    for (int i = 0; i < m; i += S.length()) {
      FloatVector x = FloatVector.fromArray(S, src, so + i).max(-104f).min(89f);
      // n = round(x log2 e) by the ROUND trick; t keeps n in its low mantissa bits, so t's bits minus ROUND's are n.
      FloatVector tn = x.mul(LOG2E).add(ROUND);
      FloatVector n = tn.sub(ROUND);
      FloatVector r = x.sub(n.mul(LN2_HI)).sub(n.mul(LN2_LO));
      FloatVector z = r.mul(r);
      r.mul(E0).add(E1).mul(r).add(E2).mul(r).add(E3).mul(r).add(E4).mul(r).add(E5).mul(z).add(r).add(1f).intoArray(dst, dOff + i);
      tn.intoArray(t, i);
    }
  }

  /** y[yo + i] *= 2^n for n read from t[i] (see {@link #expMantissaLanes}), i < m (whole vectors). */
  private static void scaleByPowerOfTwoLanes(float[] y, int yo, float[] t, int m) {
    for (int i = 0; i < m; i += S.length()) {
      FloatVector tn = FloatVector.fromArray(S, t, i);
      // 2^n = 2^h · 2^(n-h), h = round(n/2), so neither factor leaves the normal range. The integers are read
      // from the floats' bits and (k + 127) << 23 is written as a multiply: JDK 17's C2 has no 16-lane
      // float-to-int conversion and boxed every vector through one (30 KB per 1,000 elements).
      IntVector hi = tn.sub(ROUND).mul(0.5f).add(ROUND).reinterpretAsInts(), ni = tn.reinterpretAsInts();
      FloatVector pa = hi.add(127 - ROUND_BITS).mul(1 << 23).reinterpretAsFloats();
      FloatVector pb = ni.sub(hi).add(127).mul(1 << 23).reinterpretAsFloats();
      FloatVector.fromArray(S, y, yo + i).mul(pa).mul(pb).intoArray(y, yo + i);
    }
  }

  /** The scalar twin of {@link #expLanes}: the same operations in the same order. */
  static float exp(float x) {
    x = Math.min(Math.max(x, -104f), 89f);
    float n = x * LOG2E + ROUND - ROUND;
    float r = x - n * LN2_HI - n * LN2_LO;
    float z = r * r;
    float y = (((((r * E0 + E1) * r + E2) * r + E3) * r + E4) * r + E5) * z + r + 1f;
    int ni = (int) n, half = Float.floatToRawIntBits(n * 0.5f + ROUND) - ROUND_BITS;
    return y * Float.intBitsToFloat((half + 127) << 23) * Float.intBitsToFloat((ni - half + 127) << 23);
  }

  /**
   * y[yo + i] = tanh x[xo + i] given e[i] = e^{2|x[xo + i]|}, for i < m (whole vectors), bit for bit
   * {@link #tanh(float)}; y may be x at the same offset.
   */
  private static void tanhLanes(float[] x, int xo, float[] e, float[] y, int yo, int m) {
    FloatVector one = FloatVector.broadcast(S, 1f), two = FloatVector.broadcast(S, 2f);
    for (int i = 0; i < m; i += S.length()) {
      FloatVector v = FloatVector.fromArray(S, x, xo + i), a = v.abs(), x2 = v.mul(v);
      FloatVector small = x2.mul(T9).add(T7).mul(x2).add(T5).mul(x2).add(T3).mul(x2).mul(v).add(v);
      FloatVector big = one.sub(two.div(FloatVector.fromArray(S, e, i).add(1f)));
      big = big.blend(big.neg(), v.lt(0f));
      big.blend(small, a.lt(TANH_SMALL)).intoArray(y, yo + i);
    }
  }

  static float tanh(float x) {
    float a = Math.abs(x), x2 = x * x;
    if (a < TANH_SMALL) return (((x2 * T9 + T7) * x2 + T5) * x2 + T3) * x2 * x + x;
    float big = 1f - 2f / (exp(a + a) + 1f);
    return x < 0f ? -big : big;
  }

  /**
   * The sum of a vector's lanes, stored in lanes[0..S.length()) by the caller, in lane order (a float reduceLanes leaves
   * its order, and so its bits, to the JIT). It takes the stored lanes, not the vector: when C2 left this helper out of
   * line (NodeCountInliningCutoff after inlining expLanes, JDK 25 too), a vector argument was boxed on every call.
   */
  private static float sumLanes(float[] lanes) {
    float s = 0f;
    for (int i = 0; i < S.length(); i++) s += lanes[i];
    return s;
  }

  // Abramowitz & Stegun 7.1.26: erf(a) = 1 - t(a1 + t(a2 + t(a3 + t(a4 + t a5)))) e^{-a^2}, t = 1/(1 + p a),
  // a >= 0, absolute error below 1.5e-7: enough for float32 GELU, and one exp per element.
  private static final float P = 0.3275911f, A1 = 0.254829592f, A2 = -0.284496736f, A3 = 1.421413741f,
      A4 = -1.453152027f, A5 = 1.061405429f;
  private static final float INV_SQRT2 = (float) (1 / Math.sqrt(2)), INV_SQRT_2PI = (float) (1 / Math.sqrt(2 * Math.PI));

  @Override
  public boolean unary(UnaryOp op, float[] x, int xo, float[] y, int yo, int n, float p) {
    switch (op) {
      case RELU: relu(x, xo, y, yo, n); return true;
      case LEAKY_RELU: case D_LEAKY_RELU: leaky(x, xo, y, yo, n, p, op == UnaryOp.D_LEAKY_RELU); return true;
      case GELU_ERF: case D_GELU_ERF: gelu(x, xo, y, yo, n, op == UnaryOp.D_GELU_ERF); return true;
      case TANH: tanh(x, xo, y, yo, n); return true;
      case SIGMOID: sigmoid(x, xo, y, yo, n); return true;
      default: return false;
    }
  }

  /** gelu(x) = x Φ(x), or its derivative Φ(x) + x φ(x), with Φ(x) = (1 + erf(x/√2))/2. */
  private static void gelu(float[] x, int xo, float[] y, int yo, int n, boolean derivative) {
    int i = geluLanes(x, xo, y, yo, n, derivative);
    for (; i < n; i++) {
      // The same arithmetic as the lanes, so an element's value does not depend on where it falls in the row.
      float v = x[xo + i], a = Math.abs(v * INV_SQRT2);
      float t = 1f / (a * P + 1f);
      float poly = ((((t * A5 + A4) * t + A3) * t + A2) * t + A1) * t;
      float e = exp(-(a * a));
      float erfAbs = 1f - poly * e;
      float cdf = ((v < 0f ? -erfAbs : erfAbs) + 1f) * 0.5f;
      y[yo + i] = derivative ? cdf + v * e * INV_SQRT_2PI : v * cdf;
    }
  }

  // Rows go in blocks of BLOCK elements through several short loops over per-thread scratch (the
  // exponentials, then the rest of the formula), each loop small enough that C2 compiles it whole.
  private static final int BLOCK = 256;
  private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[][] {new float[BLOCK], new float[BLOCK]});

  /** x Φ(x), or Φ(x) + x φ(x), over the whole vectors of the row; returns where the scalar tail starts. */
  private static int geluLanes(float[] x, int xo, float[] y, int yo, int n, boolean derivative) {
    // One small method per pass: with the four loops in one method, JDK 17's C2 still boxed the Φ loop in
    // some runs (1 GB allocated per GPT step); apart, each compiles whole.
    float[][] scratch = SCRATCH.get();
    float[] e = scratch[0], cdf = scratch[1];
    int bound = S.loopBound(n);
    for (int b = 0; b < bound; b += BLOCK) {
      int m = Math.min(BLOCK, bound - b);
      negHalfSquares(x, xo + b, e, m);
      expLanes(e, 0, e, 0, m); // e^{-x²/2}
      normalCdf(x, xo + b, e, cdf, m);
      if (derivative) geluDerivative(x, xo + b, e, cdf, y, yo + b, m);
      else times(x, xo + b, cdf, y, yo + b, m);
    }
    return bound;
  }

  /** e[i] = -a², a = |x/√2|. */
  private static void negHalfSquares(float[] x, int xo, float[] e, int m) {
    for (int i = 0; i < m; i += S.length()) {
      FloatVector a = FloatVector.fromArray(S, x, xo + i).mul(INV_SQRT2).abs();
      a.mul(a).neg().intoArray(e, i);
    }
  }

  /** cdf[i] = Φ(x) given e[i] = e^{-x²/2}: Abramowitz & Stegun's erf of |x|/√2, with x's sign. */
  private static void normalCdf(float[] x, int xo, float[] e, float[] cdf, int m) {
    FloatVector one = FloatVector.broadcast(S, 1f);
    for (int i = 0; i < m; i += S.length()) {
      FloatVector v = FloatVector.fromArray(S, x, xo + i), a = v.mul(INV_SQRT2).abs();
      FloatVector t = one.div(a.mul(P).add(1f));
      // Horner: ((((a5 t + a4) t + a3) t + a2) t + a1) t
      FloatVector poly = t.mul(A5).add(A4).mul(t).add(A3).mul(t).add(A2).mul(t).add(A1).mul(t);
      FloatVector erfAbs = one.sub(poly.mul(FloatVector.fromArray(S, e, i)));
      erfAbs.blend(erfAbs.neg(), v.lt(0f)).add(1f).mul(0.5f).intoArray(cdf, i);
    }
  }

  /** y = x · cdf. */
  private static void times(float[] x, int xo, float[] cdf, float[] y, int yo, int m) {
    for (int i = 0; i < m; i += S.length()) {
      FloatVector.fromArray(S, x, xo + i).mul(FloatVector.fromArray(S, cdf, i)).intoArray(y, yo + i);
    }
  }

  /** y = Φ(x) + x φ(x) = cdf + x e / √(2π). */
  private static void geluDerivative(float[] x, int xo, float[] e, float[] cdf, float[] y, int yo, int m) {
    for (int i = 0; i < m; i += S.length()) {
      FloatVector v = FloatVector.fromArray(S, x, xo + i);
      FloatVector.fromArray(S, cdf, i).add(v.mul(FloatVector.fromArray(S, e, i)).mul(INV_SQRT_2PI)).intoArray(y, yo + i);
    }
  }

  /** e[i] = 2|x|. */
  private static void twiceAbs(float[] x, int xo, float[] e, int m) {
    for (int i = 0; i < m; i += S.length()) {
      FloatVector a = FloatVector.fromArray(S, x, xo + i).abs();
      a.add(a).intoArray(e, i);
    }
  }

  /** tanh over a row, in blocks: e^{2|x|} first, then {@link #tanhLanes}. */
  private static void tanh(float[] x, int xo, float[] y, int yo, int n) {
    float[] e = SCRATCH.get()[0];
    int bound = S.loopBound(n);
    for (int b = 0; b < bound; b += BLOCK) {
      int m = Math.min(BLOCK, bound - b);
      twiceAbs(x, xo + b, e, m);
      expLanes(e, 0, e, 0, m);
      tanhLanes(x, xo + b, e, y, yo + b, m);
    }
    for (int i = bound; i < n; i++) y[yo + i] = tanh(x[xo + i]);
  }

  @Override
  public boolean binary(dev.backflow.backend.BinaryOp op, float[] a, int ao, float[] b, int bo, float[] c, int co, int n) {
    if (op != dev.backflow.backend.BinaryOp.GATE) return false;
    FloatVector zero = FloatVector.zero(S);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += S.length()) {
      FloatVector bv = FloatVector.fromArray(S, b, bo + i);
      FloatVector.fromArray(S, a, ao + i).blend(zero, bv.compare(VectorOperators.LE, 0f)).intoArray(c, co + i);
    }
    for (; i < n; i++) c[co + i] = b[bo + i] <= 0f ? 0f : a[ao + i];
    return true;
  }

  @Override
  public double expShifted(float[] x, int xo, float[] y, int yo, int n, float scale, float shift) {
    // The vector exponential costs ~0.4 ns an element here; the scalar Math.exp ~15. The arguments, their
    // exponentials and the in-order sum in three loops; x may be y at the same offset.
    int bound = S.loopBound(n);
    for (int i = 0; i < bound; i += S.length()) FloatVector.fromArray(S, x, xo + i).mul(scale).sub(shift).intoArray(y, yo + i);
    expLanes(y, yo, y, yo, bound);
    FloatVector acc = FloatVector.zero(S);
    for (int i = 0; i < bound; i += S.length()) acc = acc.add(FloatVector.fromArray(S, y, yo + i));
    float[][] scratch = SCRATCH.get();
    acc.intoArray(scratch[1], 0);
    double sum = sumLanes(scratch[1]);
    int rest = n - bound;
    if (rest > 0) {
      // The tail as one zero-padded vector: a causal attention row (T = 64: 1 to 64 entries) is mostly tail,
      // and the scalar exp took ~18 ns an element there, half the attention's forward pass.
      float[] t = scratch[0];
      for (int i = 0; i < rest; i++) t[i] = x[xo + bound + i] * scale - shift;
      expPadded(t, rest);
      for (int i = 0; i < rest; i++) {
        float e = t[i];
        y[yo + bound + i] = e;
        sum += e;
      }
    }
    return sum;
  }

  /** t[i] = e^{t[i]} for i < rest (less than a vector): one by one for a few, else one vector with the lanes past rest zeroed. */
  private static void expPadded(float[] t, int rest) {
    if (rest <= SCALAR_TAIL) {
      // A few lanes cost less one by one (the same bits): 4 took ~25 ns against ~40 for a padded vector, 8 about the
      // same (JDK 25, Zen 5).
      for (int i = 0; i < rest; i++) t[i] = exp(t[i]);
      return;
    }
    java.util.Arrays.fill(t, rest, S.length(), 0f);
    expLanes(t, 0, t, 0, S.length());
  }

  private static final int SCALAR_TAIL = 8;

  @Override
  public void softmaxRow(float[] s, int off, int seen, int len, float scale) {
    int l = S.length(), padEnd = (seen + l - 1) / l * l;
    if (seen == 0 || padEnd > len || !(scale > 0f)) {
      FusedKernels.super.softmaxRow(s, off, seen, len, scale);
      return;
    }
    // The row in whole vectors up to padEnd: the entries past seen are the row's own (zeroed at the end), so they are
    // -inf for the max, 0 for the exponentials, and 0 again before the sum, which then sees only the first seen. Per
    // row this is a few short loops and one call, where a scalar max chain and the exponential's scalar tail took
    // ~150 ns a row (70% of the attention's forward pass at T = 64).
    java.util.Arrays.fill(s, off + seen, off + padEnd, Float.NEGATIVE_INFINITY);
    FloatVector m = FloatVector.fromArray(S, s, off).mul(scale);
    for (int j = l; j < padEnd; j += l) m = m.max(FloatVector.fromArray(S, s, off + j).mul(scale));
    // A max is exact, so the reduction's order (left to the JIT) cannot change its value; a scalar chain of Math.max
    // over the lanes cost ~30 ns a row.
    float max = m.reduceLanes(VectorOperators.MAX);
    for (int j = 0; j < padEnd; j += l) FloatVector.fromArray(S, s, off + j).mul(scale).sub(max).intoArray(s, off + j);
    // e^0 for the padding, not e^-inf: a result below the normal range costs the CPU a microcode assist (~150 cycles
    // per vector on x86), which nearly every causal row would pay.
    java.util.Arrays.fill(s, off + seen, off + padEnd, 0f);
    expLanes(s, off, s, off, padEnd);
    java.util.Arrays.fill(s, off + seen, off + padEnd, 0f);
    FloatVector acc = FloatVector.fromArray(S, s, off);
    for (int j = l; j < padEnd; j += l) acc = acc.add(FloatVector.fromArray(S, s, off + j));
    float[] lanes = SCRATCH.get()[1];
    acc.intoArray(lanes, 0);
    float inv = (float) (1 / (double) sumLanes(lanes));
    for (int j = 0; j < padEnd; j += l) FloatVector.fromArray(S, s, off + j).mul(inv).intoArray(s, off + j);
    java.util.Arrays.fill(s, off + padEnd, off + len, 0f);
  }

  @Override
  public void softmaxBackwardRow(float[] dp, int dpo, float[] p, int po, int n, float scale) {
    FloatVector acc = FloatVector.zero(S);
    int j = 0, bound = S.loopBound(n);
    for (; j < bound; j += S.length()) acc = FloatVector.fromArray(S, dp, dpo + j).fma(FloatVector.fromArray(S, p, po + j), acc);
    float[] lanes = SCRATCH.get()[1];
    acc.intoArray(lanes, 0);
    double dot = sumLanes(lanes);
    for (; j < n; j++) dot += (double) dp[dpo + j] * p[po + j];
    float dotF = (float) dot;
    j = 0;
    for (; j < bound; j += S.length()) {
      FloatVector.fromArray(S, p, po + j).mul(FloatVector.fromArray(S, dp, dpo + j).sub(dotF)).mul(scale).intoArray(dp, dpo + j);
    }
    for (; j < n; j++) dp[dpo + j] = p[po + j] * (dp[dpo + j] - dotF) * scale;
  }

  @Override
  public double sum(float[] x, int off, int n) {
    FloatVector acc = FloatVector.zero(S);
    int j = 0;
    for (int bound = S.loopBound(n); j < bound; j += S.length()) acc = acc.add(FloatVector.fromArray(S, x, off + j));
    float[] lanes = SCRATCH.get()[1];
    acc.intoArray(lanes, 0);
    double s = sumLanes(lanes);
    for (; j < n; j++) s += x[off + j];
    return s;
  }

  @Override
  public double squaredDeviations(float[] x, int off, int n, float mu) {
    FloatVector acc = FloatVector.zero(S);
    int j = 0;
    for (int bound = S.loopBound(n); j < bound; j += S.length()) {
      FloatVector c = FloatVector.fromArray(S, x, off + j).sub(mu);
      acc = c.fma(c, acc);
    }
    float[] lanes = SCRATCH.get()[1];
    acc.intoArray(lanes, 0);
    double s = sumLanes(lanes);
    for (; j < n; j++) {
      double c = x[off + j] - mu;
      s += c * c;
    }
    return s;
  }

  @Override
  public void normalize(float[] x, int xo, int n, float m, float rs, float[] g, int go, float[] b, int bo, float[] y, int yo) {
    int j = 0;
    for (int bound = S.loopBound(n); j < bound; j += S.length()) {
      FloatVector v = FloatVector.fromArray(S, x, xo + j).sub(m).mul(rs);
      if (g != null) v = v.mul(FloatVector.fromArray(S, g, go + j));
      if (b != null) v = v.add(FloatVector.fromArray(S, b, bo + j));
      v.intoArray(y, yo + j);
    }
    for (; j < n; j++) {
      float v = (x[xo + j] - m) * rs;
      if (g != null) v *= g[go + j];
      if (b != null) v += b[bo + j];
      y[yo + j] = v;
    }
  }

  @Override
  public void layerNormBackwardRow(float[] x, int xo, float[] gy, int gyo, int n, float m, float rs, float[] g, int go,
                                   float[] dg, float[] db, float[] dx, int dxo) {
    FloatVector accG = FloatVector.zero(S), accGx = FloatVector.zero(S);
    int j = 0, bound = S.loopBound(n);
    for (; j < bound; j += S.length()) {
      FloatVector xhat = FloatVector.fromArray(S, x, xo + j).sub(m).mul(rs), gj = FloatVector.fromArray(S, gy, gyo + j);
      FloatVector ghat = g == null ? gj : gj.mul(FloatVector.fromArray(S, g, go + j));
      accG = accG.add(ghat);
      accGx = ghat.fma(xhat, accGx);
      gj.fma(xhat, FloatVector.fromArray(S, dg, j)).intoArray(dg, j);
      gj.add(FloatVector.fromArray(S, db, j)).intoArray(db, j);
    }
    float[] lanes = SCRATCH.get()[1];
    accG.intoArray(lanes, 0);
    double sumG = sumLanes(lanes);
    accGx.intoArray(lanes, 0);
    double sumGx = sumLanes(lanes);
    for (int t = j; t < n; t++) {
      float xhat = (x[xo + t] - m) * rs, gt = gy[gyo + t];
      float ghat = g == null ? gt : gt * g[go + t];
      sumG += ghat;
      sumGx += ghat * xhat;
      dg[t] += gt * xhat;
      db[t] += gt;
    }
    float meanG = (float) (sumG / n), meanGx = (float) (sumGx / n);
    j = 0;
    for (; j < bound; j += S.length()) {
      FloatVector xhat = FloatVector.fromArray(S, x, xo + j).sub(m).mul(rs), gj = FloatVector.fromArray(S, gy, gyo + j);
      FloatVector ghat = g == null ? gj : gj.mul(FloatVector.fromArray(S, g, go + j));
      ghat.sub(meanG).sub(xhat.mul(meanGx)).mul(rs).intoArray(dx, dxo + j);
    }
    for (; j < n; j++) {
      float xhat = (x[xo + j] - m) * rs, gt = gy[gyo + j];
      float ghat = g == null ? gt : gt * g[go + j];
      dx[dxo + j] = rs * (ghat - meanG - xhat * meanGx);
    }
  }

  /** max(x, 0) with NaN kept (as Math.max): a compare-and-branch per element mispredicts on random signs. */
  private static void relu(float[] x, int xo, float[] y, int yo, int n) {
    FloatVector zero = FloatVector.zero(S);
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += S.length()) {
      FloatVector.fromArray(S, x, xo + i).max(zero).intoArray(y, yo + i);
    }
    for (; i < n; i++) y[yo + i] = Math.max(x[xo + i], 0f);
  }

  /** Leaky ReLU (x if x > 0 else slope x) or its derivative (1 if x > 0 else slope), as a lane select. */
  private static void leaky(float[] x, int xo, float[] y, int yo, int n, float slope, boolean derivative) {
    FloatVector one = FloatVector.broadcast(S, 1f), s = FloatVector.broadcast(S, slope);
    int i = 0, bound = S.loopBound(n);
    // One loop per case: a vector picked by a branch inside the loop is boxed by JDK 17's C2 (see gelu).
    if (derivative) {
      for (; i < bound; i += S.length()) {
        s.blend(one, FloatVector.fromArray(S, x, xo + i).compare(VectorOperators.GT, 0f)).intoArray(y, yo + i);
      }
    } else {
      for (; i < bound; i += S.length()) {
        FloatVector v = FloatVector.fromArray(S, x, xo + i);
        v.mul(s).blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(y, yo + i);
      }
    }
    for (; i < n; i++) {
      float v = x[xo + i];
      y[yo + i] = derivative ? (v > 0 ? 1f : slope) : (v > 0 ? v : slope * v);
    }
  }

  /** 1/(1 + e^{-x}); e^{-x} overflows to infinity for x below about -88, which still gives the right 0. */
  private static void sigmoid(float[] x, int xo, float[] y, int yo, int n) {
    // -x into y, e^{-x} in place, then 1/(1 + e^{-x}); y may be x at the same offset.
    int bound = S.loopBound(n);
    if (bound > 0) {
      // Only when there are whole vectors: a broadcast made and never used still ran as plain Java (not as the
      // intrinsic) for every call on XOR's four-element activations, 5% of its eager step (JFR, JDK 25).
      for (int i = 0; i < bound; i += S.length()) FloatVector.fromArray(S, x, xo + i).neg().intoArray(y, yo + i);
      expLanes(y, yo, y, yo, bound);
      FloatVector one = FloatVector.broadcast(S, 1f);
      for (int i = 0; i < bound; i += S.length()) one.div(FloatVector.fromArray(S, y, yo + i).add(1f)).intoArray(y, yo + i);
    }
    int rest = n - bound;
    if (rest > 0 && rest <= SCALAR_TAIL) {
      // A few lanes one by one, in place (the same bits as below): no scratch, for a small network's activations.
      for (int i = bound; i < n; i++) y[yo + i] = 1f / (exp(-x[xo + i]) + 1f);
    } else if (rest > 0) {
      // The tail through one padded vector.
      float[] t = SCRATCH.get()[0];
      for (int i = 0; i < rest; i++) t[i] = -x[xo + bound + i];
      expPadded(t, rest);
      for (int i = 0; i < rest; i++) y[yo + bound + i] = 1f / (t[i] + 1f);
    }
  }


  @Override
  public void adam(float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo, int n,
                   float beta1, float beta2, float stepSize, float bc2Sqrt, float eps, float l2, float decay) {
    float c1 = 1 - beta1, c2 = 1 - beta2;
    int i = 0;
    for (int bound = S.loopBound(n); i < bound; i += S.length()) {
      FloatVector pi = FloatVector.fromArray(S, p, po + i);
      FloatVector gi = FloatVector.fromArray(S, g, go + i).add(pi.mul(l2));
      FloatVector mi = FloatVector.fromArray(S, m, mo + i).mul(beta1).add(gi.mul(c1));
      FloatVector vi = FloatVector.fromArray(S, v, vo + i).mul(beta2).add(gi.mul(gi).mul(c2));
      mi.intoArray(m, mo + i);
      vi.intoArray(v, vo + i);
      FloatVector denom = vi.sqrt().div(bc2Sqrt).add(eps);
      pi.mul(decay).sub(mi.div(denom).mul(stepSize)).intoArray(p, po + i);
    }
    FusedKernels.adamScalar(p, po, g, go, m, mo, v, vo, i, n, beta1, beta2, stepSize, bc2Sqrt, eps, l2, decay);
  }
}
