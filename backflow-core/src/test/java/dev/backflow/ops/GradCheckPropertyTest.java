package dev.backflow.ops;

import dev.backflow.autograd.Graph;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.backflow.autograd.GradCheck;
import dev.backflow.backend.Conv2dSpec;
import dev.backflow.ops.Gen.Layout;
import dev.backflow.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Every differentiable op's backward rule against central finite differences ({@link GradCheck}), on random
 * shapes and values drawn from a seed, including broadcasting and non-contiguous operands. Views are made
 * inside the checked function from contiguous leaves (GradCheck's contract), so the op under test really
 * receives strided, offset or stride-0 inputs and its gradient must travel back through the view.
 *
 * <p>Ops with kinks or ties (relu, leakyRelu, abs, clamp, max/min, maximum/minimum, maxPool) get inputs from
 * {@link Gen#distinct}: every value is at least 0.05 from the kink and 0.1 from every other value, far more
 * than GradCheck's step of 0.01·max(1,|x|), so each finite difference stays on one side of every kink.
 */
class GradCheckPropertyTest {
  /** Worst relative error allowed; see GradCheck's javadoc (float32 forward values, eps 1e-2). */
  static final double TOL = 1e-2;

  /**
   * Passes when the check passes at the default step or at a 5x finer one: float32 central differences trade
   * truncation error (large steps) against rounding error (small ones), and a wrong backward rule fails at both.
   */
  static void check(String what, Function<Tensor[], Tensor> f, Tensor... inputs) {
    GradCheck.Result r = GradCheck.check(f, inputs);
    if (r.passes(TOL)) return;
    GradCheck.Result finer = GradCheck.check(f, 2e-3, inputs);
    if (!finer.passes(TOL)) fail(what + " " + r + "; with step 2e-3: " + finer);
  }

  static String shapes(Tensor... ts) {
    StringBuilder sb = new StringBuilder();
    for (Tensor t : ts) sb.append(Arrays.toString(t.shape())).append(' ');
    return sb.toString().trim();
  }

  @Provide
  Arbitrary<int[]> shapes() {
    return Arbitraries.integers().between(2, 3).array(int[].class).ofMinSize(1).ofMaxSize(3);
  }

  // ============================================================================ the checker itself

  @Example
  void gradCheckRejectsABackwardRuleThatIsOffByAFactor() {
    // A custom op x^2 whose backward claims 2.1x: the checker must see it, or every pass below means nothing.
    Function<Tensor[], Tensor> wrong = in -> Graph.record("badSquare",
        Graph.array(in[0].detach().mul(in[0].detach())), (g, n) -> new Tensor[] {g.mul(in[0]).mul(2.1f)}, in[0]);
    GradCheck.Result r = GradCheck.check(wrong, Gen.smooth(new SplittableRandom(1), 3, 4));
    assertFalse(r.passes(TOL), "a 5% wrong gradient passed: " + r);
    Function<Tensor[], Tensor> right = in -> in[0].mul(in[0]);
    assertTrue(GradCheck.check(right, Gen.smooth(new SplittableRandom(1), 3, 4)).passes(TOL));
  }

  // ============================================================================ binary arithmetic

  enum Binary {
    ADD(Tensor::add), SUB(Tensor::sub), MUL(Tensor::mul), DIV(Tensor::div),
    MAXIMUM(Tensor::maximum), MINIMUM(Tensor::minimum);

    final BinaryOperator<Tensor> op;

    Binary(BinaryOperator<Tensor> op) {
      this.op = op;
    }

    /** Operands valid for finite differences: denominators away from 0, distinct values for extrema. */
    Tensor[] inputs(SplittableRandom r, int[] a, int[] b) {
      switch (this) {
        case DIV: return new Tensor[] {Gen.smooth(r, a), Gen.awayFromZero(r, b)};
        case MAXIMUM: case MINIMUM: return Gen.distinct(r, a, b);
        default: return new Tensor[] {Gen.smooth(r, a), Gen.smooth(r, b)};
      }
    }
  }

  @Property(tries = 40)
  void binaryOpsMatchFiniteDifferencesOnNonContiguousOperands(@ForAll Binary op, @ForAll Layout la,
      @ForAll Layout lb, @ForAll("shapes") int[] shape, @ForAll long seed) {
    Tensor[] in = op.inputs(new SplittableRandom(seed), la.leafShape(shape), lb.leafShape(shape));
    check(op + " " + la + "/" + lb + " " + Arrays.toString(shape),
        x -> op.op.apply(la.view(x[0], shape), lb.view(x[1], shape)), in);
  }

  @Property(tries = 60)
  void binaryOpsMatchFiniteDifferencesUnderBroadcasting(@ForAll Binary op, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[][] s = Gen.broadcastPair(r);
    Layout la = Layout.values()[r.nextInt(Layout.values().length)];
    Layout lb = Layout.values()[r.nextInt(Layout.values().length)];
    Tensor[] in = op.inputs(r, la.leafShape(s[0]), lb.leafShape(s[1]));
    check(op + " " + Arrays.toString(s[0]) + " with " + Arrays.toString(s[1]) + " (" + la + "/" + lb + ")",
        x -> op.op.apply(la.view(x[0], s[0]), lb.view(x[1], s[1])), in);
  }

  @Property(tries = 30)
  void binaryOpsBroadcastAMiddleUnitDimAgainstAMissingLeadingDim(@ForAll Binary op,
      @ForAll @IntRange(min = 1, max = 3) int a, @ForAll @IntRange(min = 2, max = 3) int b,
      @ForAll @IntRange(min = 1, max = 4) int c, @ForAll long seed) {
    // [a, 1, c] with [b, c] -> [a, b, c], in both argument orders
    int[] s1 = {a, 1, c}, s2 = {b, c};
    Tensor[] in = op.inputs(new SplittableRandom(seed), s1, s2);
    check(op + " [a,1,c] with [b,c]", x -> op.op.apply(x[0], x[1]), in);
    Tensor[] swapped = op.inputs(new SplittableRandom(seed), s2, s1);
    check(op + " [b,c] with [a,1,c]", x -> op.op.apply(x[0], x[1]), swapped);
  }

  @Property(tries = 30)
  void whereSendsTheGradientToTheChosenBranchWithBroadcasting(@ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] out = Gen.shape(r, 1 + r.nextInt(3), 1, 3);
    int[] sc = Gen.operandOf(r, out), sa = Gen.operandOf(r, out), sb = Gen.operandOf(r, out);
    float[] c = new float[Gen.numel(sc)];
    for (int i = 0; i < c.length; i++) c[i] = r.nextBoolean() ? 1f : 0f;
    Tensor cond = Tensor.of(c, sc);
    Layout la = Layout.values()[r.nextInt(Layout.values().length)];
    check("where " + Arrays.toString(sc) + " " + Arrays.toString(sa) + " " + Arrays.toString(sb),
        x -> Tensor.where(cond, la.view(x[0], sa), x[1]), Gen.smooth(r, la.leafShape(sa)), Gen.smooth(r, sb));
  }

  // ============================================================================ unary and scalar arithmetic

  enum Scalar {
    ADD(x -> x.add(1.5f)), SUB(x -> x.sub(0.75f)), RSUB(x -> x.rsub(2f)), MUL(x -> x.mul(-1.25f)),
    DIV(x -> x.div(0.8f)), NEG(Tensor::neg), SQUARE(Tensor::square);

    final UnaryOperator<Tensor> op;

    Scalar(UnaryOperator<Tensor> op) {
      this.op = op;
    }
  }

  @Property(tries = 30)
  void scalarArithmeticMatchesFiniteDifferences(@ForAll Scalar op, @ForAll Layout l, @ForAll("shapes") int[] shape,
      @ForAll long seed) {
    check(op + " " + l, x -> op.op.apply(l.view(x[0], shape)), Gen.smooth(new SplittableRandom(seed), l.leafShape(shape)));
  }

  @Provide
  Arbitrary<Float> integerExponents() {
    return Arbitraries.of(0f, 1f, 2f, 3f, 4f, -1f, -2f);
  }

  @Provide
  Arbitrary<Float> fractionalExponents() {
    return Arbitraries.of(0.5f, 1.5f, -0.5f, -1.5f, 2.5f, 1f / 3f, 0.25f);
  }

  @Property(tries = 30)
  void powWithAnIntegerExponentMatchesFiniteDifferencesOnBothSigns(@ForAll("integerExponents") float p,
      @ForAll Layout l, @ForAll("shapes") int[] shape, @ForAll long seed) {
    check("pow " + p, x -> l.view(x[0], shape).pow(p), Gen.awayFromZero(new SplittableRandom(seed), l.leafShape(shape)));
  }

  @Property(tries = 30)
  void powWithAFractionalExponentMatchesFiniteDifferencesOnPositiveInputs(@ForAll("fractionalExponents") float p,
      @ForAll Layout l, @ForAll("shapes") int[] shape, @ForAll long seed) {
    check("pow " + p, x -> l.view(x[0], shape).pow(p), Gen.positive(new SplittableRandom(seed), l.leafShape(shape)));
  }

  /** Element-wise functions with the input family each needs for valid finite differences. */
  enum Unary {
    SQRT(Tensor::sqrt, Family.POSITIVE), LOG(Tensor::log, Family.POSITIVE), EXP(Tensor::exp, Family.SMOOTH),
    // kinked: inputs from the distinct grid, away from 0 and from the clamp bounds -0.3 and 0.4
    ABS(Tensor::abs, Family.DISTINCT), CLAMP(x -> x.clamp(-0.3f, 0.4f), Family.DISTINCT),
    CLAMP_ONE_SIDED(x -> x.clamp(-0.2f, Float.MAX_VALUE), Family.DISTINCT),
    RELU(Tensor::relu, Family.DISTINCT), LEAKY_RELU(x -> x.leakyRelu(0.1f), Family.DISTINCT),
    SIGMOID(Tensor::sigmoid, Family.SMOOTH), TANH(Tensor::tanh, Family.SMOOTH),
    GELU_EXACT(Tensor::gelu, Family.SMOOTH), GELU_TANH(x -> x.gelu(true), Family.SMOOTH),
    SOFTPLUS(Tensor::softplus, Family.SMOOTH), SOFTPLUS_BETA(x -> Activations.softplus(x, 2f, 20f), Family.SMOOTH);

    enum Family { SMOOTH, POSITIVE, DISTINCT }

    final UnaryOperator<Tensor> op;
    final Family family;

    Unary(UnaryOperator<Tensor> op, Family family) {
      this.op = op;
      this.family = family;
    }

    Tensor input(SplittableRandom r, int[] shape) {
      switch (family) {
        case POSITIVE: return Gen.positive(r, shape);
        case DISTINCT: return Gen.distinct(r, shape);
        default: return Gen.smooth(r, shape);
      }
    }
  }

  @Property(tries = 60)
  void elementwiseFunctionsAndActivationsMatchFiniteDifferences(@ForAll Unary op, @ForAll Layout l,
      @ForAll("shapes") int[] shape, @ForAll long seed) {
    check(op + " " + l + " " + Arrays.toString(shape), x -> op.op.apply(l.view(x[0], shape)),
        op.input(new SplittableRandom(seed), l.leafShape(shape)));
  }

  @Example
  void kinkedOpsReallyHaveBothBranchesInTheirInputs() {
    // The distinct grid must put values on both sides of every kink, or the kinked checks would test one slope.
    Tensor x = Gen.distinct(new SplittableRandom(3), 4, 5);
    float[] v = x.toArray();
    assertTrue(Arrays.stream(box(v)).anyMatch(f -> f < -0.3f) && Arrays.stream(box(v)).anyMatch(f -> f > 0.4f));
    assertTrue(Arrays.stream(box(v)).anyMatch(f -> f < 0 && f > -0.3f) && Arrays.stream(box(v)).anyMatch(f -> f > 0 && f < 0.4f));
  }

  private static Float[] box(float[] v) {
    Float[] b = new Float[v.length];
    for (int i = 0; i < v.length; i++) b[i] = v[i];
    return b;
  }

  // ============================================================================ reductions and softmax

  enum Reducer { SUM, MEAN, MAX, MIN, VAR_UNBIASED, VAR_BIASED }

  @Property(tries = 80)
  void reductionsOverAllOrChosenDimsMatchFiniteDifferences(@ForAll Reducer kind, @ForAll Layout l,
      @ForAll boolean keepDim, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] shape = Gen.shape(r, 1 + r.nextInt(3), 2, 4);
    int[] dims = Gen.dimsSubset(r, shape.length);
    // max/min: distinct values, so no two elements tie (copies made by an EXPANDED layout tie, and the
    // gradient split among them must sum back to the one leaf element)
    Tensor in = kind == Reducer.MAX || kind == Reducer.MIN ? Gen.distinct(r, l.leafShape(shape))
        : Gen.smooth(r, l.leafShape(shape));
    check(kind + " dims " + Arrays.toString(dims) + " keepDim " + keepDim + " " + l + " " + Arrays.toString(shape), x -> {
      Tensor v = l.view(x[0], shape);
      boolean all = dims == null && !keepDim;
      switch (kind) {
        case SUM: return all ? v.sum() : v.sum(dims, keepDim);
        case MEAN: return all ? v.mean() : v.mean(dims, keepDim);
        case MAX: return all ? v.max() : v.max(dims, keepDim);
        case MIN: return all ? v.min() : v.min(dims, keepDim);
        case VAR_UNBIASED: return all ? v.var() : v.var(dims, 1, keepDim);
        default: return v.var(dims, 0, keepDim);
      }
    }, in);
  }

  @Property(tries = 30)
  void singleDimReductionOverloadsMatchFiniteDifferences(@ForAll("shapes") int[] shape, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int d = r.nextInt(shape.length) - (r.nextBoolean() ? shape.length : 0);
    check("sum(" + d + ")", x -> x[0].sum(d), Gen.smooth(r, shape));
    check("mean(" + d + ")", x -> x[0].mean(d), Gen.smooth(r, shape));
    check("var(" + d + ")", x -> x[0].var(d), Gen.smooth(r, shape));
    check("max(" + d + ")", x -> x[0].max(d), Gen.distinct(r, shape));
    check("min(" + d + ")", x -> x[0].min(d), Gen.distinct(r, shape));
  }

  @Property(tries = 40)
  void softmaxAndLogSoftmaxMatchFiniteDifferencesAlongAnyDim(@ForAll boolean log, @ForAll Layout l,
      @ForAll("shapes") int[] shape, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int d = r.nextInt(shape.length) - (r.nextBoolean() ? shape.length : 0);
    check((log ? "logSoftmax(" : "softmax(") + d + ") " + l + " " + Arrays.toString(shape), x -> {
      Tensor v = l.view(x[0], shape);
      return log ? v.logSoftmax(d) : v.softmax(d);
    }, Gen.smooth(r, l.leafShape(shape)));
  }

  // ============================================================================ fused layer norm

  enum Affine { NONE, WEIGHT, BIAS, BOTH }

  @Property(tries = 40)
  void layerNormMatchesFiniteDifferencesForEveryAffineChoice(@ForAll Affine affine, @ForAll("shapes") int[] drawn,
      @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    // Rows of at least 4: with 2 elements x̂ is ±1 whatever x is, a flat function finite differences cannot read.
    int[] shape = drawn.clone();
    shape[shape.length - 1] += 2;
    int d = shape[shape.length - 1];
    // Well-spread rows: x̂ curves as 1/σ³, so a row of close values (σ = 0.2 in [-2, 2]) puts the central
    // difference's truncation error above any tolerance. Each row is a shuffled ramp over [-1.5, 1.5] plus
    // noise. (Strided inputs reach the kernel through contiguous(), checked by the copy and view tests; the
    // property below compares the fused backward with the composed primitives' autograd to 1e-5.)
    float[] xv = new float[Gen.numel(shape)];
    for (int row = 0; row < xv.length; row += d) {
      for (int j = 0; j < d; j++) xv[row + j] = -1.5f + 3f * j / (d - 1) + (float) (r.nextDouble() - 0.5) * 0.4f;
      for (int j = d - 1; j > 0; j--) {
        int k = r.nextInt(j + 1);
        float t = xv[row + j];
        xv[row + j] = xv[row + k];
        xv[row + k] = t;
      }
    }
    Tensor x = Tensor.of(xv, shape).requiresGrad(true), w = Gen.smooth(r, d), b = Gen.smooth(r, d), mix = Gen.smooth(r, shape);
    Tensor[] inputs;
    switch (affine) {
      case NONE: inputs = new Tensor[] {x}; break;
      case WEIGHT: inputs = new Tensor[] {x, w}; break;
      case BIAS: inputs = new Tensor[] {x, b}; break;
      default: inputs = new Tensor[] {x, w, b};
    }
    // dx of a layer norm is small (the Jacobian removes each row's mean and x̂ direction), so float32 rounding
    // of the loss is a larger share of it than for other ops: tolerance 2e-2 here.
    String what = "layerNorm " + affine + " " + Arrays.toString(shape);
    GradCheck.Result result = GradCheck.check(t -> {
      Tensor weight = affine == Affine.WEIGHT || affine == Affine.BOTH ? t[1] : null;
      Tensor bias = affine == Affine.BIAS ? t[1] : affine == Affine.BOTH ? t[2] : null;
      // A random weighting of the outputs: a plain sum would make dx ~0 (each row of x̂ sums to 0), leaving
      // only float rounding for the finite differences to compare.
      return Normalization.layerNorm(t[0], weight, bias, 1e-5f).mul(mix).sum();
    }, inputs);
    if (!result.passes(2 * TOL)) fail(what + " " + result);
  }

  @Property(tries = 30)
  void fusedLayerNormEqualsTheComposedPrimitivesForwardAndBackward(@ForAll("shapes") int[] drawn, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] shape = drawn.clone();
    shape[shape.length - 1] += 2;
    int d = shape[shape.length - 1];
    Tensor mix = Gen.smooth(r, shape);
    Tensor[] fused = {Gen.smooth(r, shape).requiresGrad(true), Gen.smooth(r, d).requiresGrad(true), Gen.smooth(r, d).requiresGrad(true)};
    Tensor[] composed = new Tensor[3];
    for (int i = 0; i < 3; i++) composed[i] = Tensor.of(fused[i].toArray(), fused[i].shape()).requiresGrad(true);
    Tensor yf = Normalization.layerNorm(fused[0], fused[1], fused[2], 1e-5f);
    int[] last = {-1};
    Tensor centered = composed[0].sub(composed[0].mean(last, true));
    Tensor yc = centered.div(centered.square().mean(last, true).add(1e-5f).sqrt()).mul(composed[1]).add(composed[2]);
    assertClose("forward", yc.toArray(), yf.toArray());
    yf.mul(mix).sum().backward();
    yc.mul(mix).sum().backward();
    for (int i = 0; i < 3; i++) assertClose("gradient of input " + i, composed[i].grad().toArray(), fused[i].grad().toArray());
  }

  private static void assertClose(String what, float[] expected, float[] actual) {
    float scale = 0;
    for (float e : expected) scale = Math.max(scale, Math.abs(e));
    for (int i = 0; i < expected.length; i++) {
      if (Math.abs(expected[i] - actual[i]) > 1e-5f * Math.max(1f, scale)) {
        fail(what + " differs at " + i + ": composed " + expected[i] + ", fused " + actual[i]);
      }
    }
  }

  // ============================================================================ fused linear

  @Property(tries = 40)
  void linearMatchesFiniteDifferencesWithAndWithoutBias(@ForAll boolean withBias, @ForAll boolean transposedWeight,
      @ForAll @IntRange(min = 0, max = 2) int leading, @ForAll @IntRange(min = 1, max = 4) int in,
      @ForAll @IntRange(min = 1, max = 4) int out, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] xs = new int[leading + 1];
    for (int d = 0; d < leading; d++) xs[d] = 1 + r.nextInt(3);
    xs[leading] = in;
    Tensor x = Gen.smooth(r, xs);
    // transposedWeight: the leaf is [in, out] and the op sees its transpose, a strided [out, in] weight.
    Tensor w = Gen.smooth(r, transposedWeight ? new int[] {in, out} : new int[] {out, in}), b = Gen.smooth(r, out);
    Function<Tensor, Tensor> weight = t -> transposedWeight ? t.mT() : t;
    if (withBias) {
      check("linear+bias " + shapes(x, w), t -> Linalg.linear(t[0], weight.apply(t[1]), t[2]), x, w, b);
    } else {
      check("linear " + shapes(x, w), t -> Linalg.linear(t[0], weight.apply(t[1]), null), x, w);
    }
  }

  // ============================================================================ fused attention

  @Property(tries = 30)
  void attentionMatchesFiniteDifferences(@ForAll boolean causal, @ForAll boolean permuted,
      @ForAll @IntRange(min = 1, max = 4) int tq, @ForAll @IntRange(min = 1, max = 4) int tk,
      @ForAll @IntRange(min = 1, max = 3) int d, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int dv = 1 + r.nextInt(3);
    // permuted: the leaves are [T, H, D] and the op sees [H, T, D] views, as attention heads are made.
    Function<Tensor, Tensor> view = t -> permuted ? t.permute(1, 0, 2) : t;
    Tensor q = Gen.smooth(r, permuted ? new int[] {tq, 2, d} : new int[] {2, tq, d});
    Tensor k = Gen.smooth(r, permuted ? new int[] {tk, 2, d} : new int[] {2, tk, d});
    Tensor v = Gen.smooth(r, permuted ? new int[] {tk, 2, dv} : new int[] {2, tk, dv});
    // dK is small (each softmax row is shift-invariant, so every row of dS sums to 0): tolerance 2e-2 against
    // float32 rounding, as for layer norm; the test below compares with the composed primitives to 1e-5.
    GradCheck.Result result = GradCheck.check(
        x -> Attention.scaledDotProductAttention(view.apply(x[0]), view.apply(x[1]), view.apply(x[2]), causal), q, k, v);
    if (!result.passes(2 * TOL)) fail("attention causal=" + causal + " permuted=" + permuted + " " + shapes(q, k, v) + " " + result);
  }

  /** Long causal sequences take the blocked path (row blocks that skip the masked corner). */
  @Example
  void fusedCausalAttentionOnLongSequencesEqualsTheComposedPrimitives() {
    for (int t : new int[] {32, 33, 64, 71}) fusedAttentionEqualsTheComposedPrimitives(true, t, 8, t);
  }

  @Property(tries = 20)
  void fusedAttentionEqualsTheComposedPrimitives(@ForAll boolean causal, @ForAll @IntRange(min = 1, max = 9) int t,
      @ForAll @IntRange(min = 1, max = 8) int d, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] shape = {2, 3, t, d};
    Tensor mix = Gen.smooth(r, shape);
    Tensor[] fused = {Gen.smooth(r, shape).requiresGrad(true), Gen.smooth(r, shape).requiresGrad(true), Gen.smooth(r, shape).requiresGrad(true)};
    Tensor[] composed = new Tensor[3];
    for (int i = 0; i < 3; i++) composed[i] = Tensor.of(fused[i].toArray(), shape).requiresGrad(true);
    Tensor yf = Attention.scaledDotProductAttention(fused[0], fused[1], fused[2], causal);
    Tensor scores = composed[0].matmul(composed[1].mT()).mul((float) (1 / Math.sqrt(d)));
    if (causal) {
      float[] mask = new float[t * t];
      for (int i = 0; i < t; i++) for (int j = i + 1; j < t; j++) mask[i * t + j] = -1e9f;
      scores = scores.add(Tensor.of(mask, t, t));
    }
    Tensor yc = scores.softmax(-1).matmul(composed[2]);
    assertClose("forward", yc.toArray(), yf.toArray());
    yf.mul(mix).sum().backward();
    yc.mul(mix).sum().backward();
    for (int i = 0; i < 3; i++) assertClose("gradient of input " + i, composed[i].grad().toArray(), fused[i].grad().toArray());
  }

  @Property(tries = 20)
  void packedSelfAttentionMatchesFiniteDifferencesAndTheUnpackedOp(@ForAll boolean causal,
      @ForAll @IntRange(min = 1, max = 4) int t, @ForAll @IntRange(min = 1, max = 3) int heads,
      @ForAll @IntRange(min = 1, max = 3) int d, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int b = 2, c = heads * d;
    Tensor qkv = Gen.smooth(r, b, t, 3 * c);
    GradCheck.Result result = GradCheck.check(x -> Attention.selfAttention(x[0], heads, causal), qkv);
    if (!result.passes(2 * TOL)) fail("selfAttention causal=" + causal + " " + shapes(qkv) + " heads " + heads + " " + result);

    // Against the per-head op on explicit q, k, v views: same values and the same gradient.
    Tensor mix = Gen.smooth(r, b, t, c);
    Tensor a = Tensor.of(qkv.toArray(), b, t, 3 * c).requiresGrad(true), e = Tensor.of(qkv.toArray(), b, t, 3 * c).requiresGrad(true);
    Tensor packed = Attention.selfAttention(a, heads, causal);
    Tensor split = e.reshape(b, t, 3, heads, d).permute(2, 0, 3, 1, 4);
    Tensor unpacked = Attention.scaledDotProductAttention(split.select(0, 0), split.select(0, 1), split.select(0, 2), causal)
        .permute(0, 2, 1, 3).reshape(b, t, c);
    assertClose("forward", unpacked.toArray(), packed.toArray());
    packed.mul(mix).sum().backward();
    unpacked.mul(mix).sum().backward();
    assertClose("gradient", e.grad().toArray(), a.grad().toArray());
  }

  // ============================================================================ matmul

  enum Matmul {
    DOT, VECTOR_MATRIX, MATRIX_VECTOR, MATRIX_MATRIX, BATCHED, BATCHED_BROADCAST, BATCHED_MATRIX_VECTOR,
    VECTOR_BATCHED, MATRIX_BATCHED, TRANSPOSED_LEFT, TRANSPOSED_RIGHT, TRANSPOSED_BOTH, BATCHED_TRANSPOSED
  }

  @Property(tries = 60)
  void matmulMatchesFiniteDifferencesForEveryOperandRankAndLayout(@ForAll Matmul kind,
      @ForAll @IntRange(min = 1, max = 4) int m, @ForAll @IntRange(min = 1, max = 4) int k,
      @ForAll @IntRange(min = 1, max = 4) int n, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] sa, sb;
    Function<Tensor[], Tensor> f = x -> x[0].matmul(x[1]);
    switch (kind) {
      case DOT: sa = new int[] {k}; sb = new int[] {k}; break;
      case VECTOR_MATRIX: sa = new int[] {k}; sb = new int[] {k, n}; break;
      case MATRIX_VECTOR: sa = new int[] {m, k}; sb = new int[] {k}; break;
      case MATRIX_MATRIX: sa = new int[] {m, k}; sb = new int[] {k, n}; break;
      case BATCHED: sa = new int[] {2, m, k}; sb = new int[] {2, k, n}; break;
      case BATCHED_BROADCAST: sa = new int[] {2, 1, m, k}; sb = new int[] {3, k, n}; break;
      case BATCHED_MATRIX_VECTOR: sa = new int[] {2, m, k}; sb = new int[] {k}; break;
      case VECTOR_BATCHED: sa = new int[] {k}; sb = new int[] {3, k, n}; break;
      case MATRIX_BATCHED: sa = new int[] {m, k}; sb = new int[] {2, k, n}; break;
      case TRANSPOSED_LEFT: sa = new int[] {k, m}; sb = new int[] {k, n}; f = x -> x[0].mT().matmul(x[1]); break;
      case TRANSPOSED_RIGHT: sa = new int[] {m, k}; sb = new int[] {n, k}; f = x -> x[0].matmul(x[1].mT()); break;
      case TRANSPOSED_BOTH: sa = new int[] {k, m}; sb = new int[] {n, k}; f = x -> x[0].mT().matmul(x[1].mT()); break;
      default:
        // permuted batch: a [m, 2, k] seen as [2, m, k]; b [3, 1, n, k] seen as [3, 1, k, n]
        sa = new int[] {m, 2, k}; sb = new int[] {3, 1, n, k};
        f = x -> x[0].permute(1, 0, 2).matmul(x[1].mT());
    }
    Tensor a = Gen.smooth(r, sa), b = Gen.smooth(r, sb);
    check("matmul " + kind + " " + shapes(a, b), f, a, b);
  }

  // ============================================================================ views and shape ops

  @Property(tries = 30)
  void reshapeViewAndFlattenMatchFiniteDifferences(@ForAll Layout l, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] shape = {2, 3, 2};
    Tensor in = Gen.smooth(r, l.leafShape(shape));
    check("reshape " + l, x -> l.view(x[0], shape).reshape(3, -1).mul(x[0].sum()), in);
    check("reshape to 1-D " + l, x -> l.view(x[0], shape).reshape(-1).exp(), in);
    check("flatten " + l, x -> l.view(x[0], shape).flatten().square(), in);
    check("flatten(1, 2) " + l, x -> l.view(x[0], shape).flatten(1, 2).square(), in);
    check("view", x -> x[0].view(-1, 2).square(), Gen.smooth(r, 3, 4));
    check("view of a view", x -> x[0].view(2, 6).view(4, 3).tanh(), Gen.smooth(r, 3, 4));
  }

  @Property(tries = 30)
  void squeezeAndUnsqueezeMatchFiniteDifferences(@ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    check("squeeze()", x -> x[0].squeeze().square(), Gen.smooth(r, 1, 3, 1, 2));
    check("squeeze(2)", x -> x[0].squeeze(2).square(), Gen.smooth(r, 1, 3, 1, 2));
    check("squeeze(-4)", x -> x[0].squeeze(-4).square(), Gen.smooth(r, 1, 3, 1, 2));
    check("squeeze of a non-unit dim is the identity", x -> x[0].squeeze(1).square(), Gen.smooth(r, 1, 3, 1, 2));
    int d = r.nextInt(4) - 1 - (r.nextBoolean() ? 0 : 3);
    check("unsqueeze(" + d + ")", x -> x[0].transpose(0, 2).unsqueeze(d).square(), Gen.smooth(r, 2, 3, 4));
  }

  @Property(tries = 30)
  void transposePermuteAndExpandMatchFiniteDifferences(@ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    // each result feeds a non-linear op so the rearranged gradient is position-dependent
    check("transpose(0, 2)", x -> x[0].transpose(0, 2).mul(x[1]), Gen.smooth(r, 2, 3, 4), Gen.smooth(r, 4, 3, 2));
    check("transpose(-1, 0)", x -> x[0].transpose(-1, 0).exp(), Gen.smooth(r, 2, 3));
    check("mT", x -> x[0].mT().mul(x[1]), Gen.smooth(r, 2, 3, 4), Gen.smooth(r, 2, 4, 3));
    check("permute(2, 0, 1)", x -> x[0].permute(2, 0, 1).mul(x[1]), Gen.smooth(r, 2, 3, 4), Gen.smooth(r, 4, 2, 3));
    check("permute of a permute", x -> x[0].permute(1, 2, 0).permute(2, 1, 0).mul(x[1]),
        Gen.smooth(r, 2, 3, 4), Gen.smooth(r, 2, 4, 3));
    check("expand of a size-1 dim", x -> x[0].expand(2, 4, 3).mul(x[1]), Gen.smooth(r, 2, 1, 3), Gen.smooth(r, 2, 4, 3));
    check("expand with new leading dims and -1", x -> x[0].expand(3, 2, -1).mul(x[1]), Gen.smooth(r, 4),
        Gen.smooth(r, 3, 2, 4));
  }

  @Property(tries = 40)
  void narrowSliceAndSelectMatchFiniteDifferences(@ForAll @IntRange(min = 1, max = 3) int step, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] shape = {4, 7};
    int dim = r.nextInt(2);
    int size = shape[dim];
    int start = r.nextInt(size), end = start + 1 + r.nextInt(size - start);
    int negStart = start - size;
    int len = (end - start + step - 1) / step;
    int[] outShape = shape.clone();
    outShape[dim] = len;
    check("slice(" + dim + ", " + start + ", " + end + ", " + step + ")",
        x -> x[0].slice(dim, start, end, step).mul(x[1]), Gen.smooth(r, shape), Gen.smooth(r, outShape));
    check("slice with negative start", x -> x[0].slice(dim, negStart, end, step).square(), Gen.smooth(r, shape));
    check("slice of a slice", x -> x[0].slice(1, 1, 7, 2).slice(1, 0, 3, 2).square(), Gen.smooth(r, shape));
    int length = end - start;
    check("narrow(" + dim + ", " + start + ", " + length + ")", x -> x[0].narrow(dim, start, length).square(),
        Gen.smooth(r, shape));
    int idx = r.nextInt(size);
    check("select(" + dim + ", " + idx + ")", x -> x[0].select(dim, idx).square(), Gen.smooth(r, shape));
    check("select with a negative index", x -> x[0].select(dim, idx - size).exp(), Gen.smooth(r, shape));
    check("select on a transposed tensor", x -> x[0].mT().select(0, 1).square(), Gen.smooth(r, shape));
  }

  @Property(tries = 30)
  void indexSelectAndGatherScatterGradientsBackIncludingRepeats(@ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] shape = {3, 4, 2};
    int dim = r.nextInt(3);
    int[] index = new int[2 + r.nextInt(4)];
    for (int i = 0; i < index.length; i++) index[i] = r.nextInt(shape[dim]);
    index[index.length - 1] = index[0]; // at least one repeat: the gradients of repeats must add
    check("indexSelect(" + dim + ", " + Arrays.toString(index) + ")", x -> x[0].indexSelect(dim, index).square(),
        Gen.smooth(r, shape));
    float[] fi = new float[index.length];
    for (int i = 0; i < fi.length; i++) fi[i] = index[i];
    check("indexSelect with a tensor index on a permuted input",
        x -> x[0].permute(2, 0, 1).indexSelect(dim, Tensor.of(fi)).square(), Gen.smooth(r, 4, 2, 3));

    int gdim = r.nextInt(3);
    int[] is = shape.clone();
    is[gdim] = 1 + r.nextInt(5);
    float[] gi = new float[Gen.numel(is)];
    for (int i = 0; i < gi.length; i++) gi[i] = r.nextInt(shape[gdim]);
    Tensor gIndex = Tensor.of(gi, is);
    check("gather(" + gdim + ") index " + Arrays.toString(is), x -> x[0].gather(gdim, gIndex).square(), Gen.smooth(r, shape));
    check("gather from a transposed input", x -> x[0].transpose(0, 2).transpose(0, 2).gather(gdim, gIndex).exp(),
        Gen.smooth(r, shape));
  }

  @Property(tries = 30)
  void catStackAndPadMatchFiniteDifferences(@ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int dim = r.nextInt(3);
    int[] a = {2, 3, 2}, b = a.clone(), c = a.clone();
    b[dim] = 1;
    c[dim] = 3;
    check("cat(" + dim + ")", x -> Tensor.cat(dim, x[0], x[1], x[2]).square(), Gen.smooth(r, a), Gen.smooth(r, b),
        Gen.smooth(r, c));
    check("cat of non-contiguous pieces", x -> Tensor.cat(-1, x[0].mT(), x[1].slice(2, 0, 4, 2), x[0].mT()).square(),
        Gen.smooth(r, 2, 2, 3), Gen.smooth(r, 2, 3, 4));
    check("cat(list, dim)", x -> Tensor.cat(java.util.List.of(x[0], x[1]), 0).exp(), Gen.smooth(r, 2, 3),
        Gen.smooth(r, 1, 3));
    int sdim = r.nextInt(3) - (r.nextBoolean() ? 3 : 0);
    check("stack(" + sdim + ")", x -> Tensor.stack(sdim, x[0], x[1].mT(), x[0]).square(), Gen.smooth(r, 2, 3),
        Gen.smooth(r, 3, 2));
    int[] pads = {r.nextInt(3), r.nextInt(3), r.nextInt(3), r.nextInt(3)};
    float value = (float) r.nextDouble();
    check("pad " + Arrays.toString(pads), x -> x[0].pad(pads, value).square(), Gen.smooth(r, 2, 3, 2));
    check("pad of the last dim only, transposed input", x -> x[0].mT().pad(1, 2).exp(), Gen.smooth(r, 3, 2));
  }

  // ============================================================================ convolution and pooling

  @Property(tries = 40)
  void conv2dMatchesFiniteDifferencesForStridePaddingDilationGroupsAndBias(
      @ForAll @IntRange(min = 1, max = 2) int stride, @ForAll @IntRange(min = 0, max = 2) int padding,
      @ForAll @IntRange(min = 1, max = 2) int dilation, @ForAll @IntRange(min = 1, max = 2) int groups,
      @ForAll @IntRange(min = 1, max = 3) int kernel, @ForAll boolean bias, @ForAll boolean permutedInput,
      @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int n = 1 + r.nextInt(2), cin = groups * (1 + r.nextInt(2)), cout = groups * (1 + r.nextInt(2));
    int span = dilation * (kernel - 1) + 1;
    int h = Math.max(1, span - 2 * padding) + r.nextInt(3), w = Math.max(1, span - 2 * padding) + r.nextInt(3);
    Tensor x = Gen.smooth(r, permutedInput ? new int[] {n, h, w, cin} : new int[] {n, cin, h, w});
    Tensor wt = Gen.smooth(r, cout, cin / groups, kernel, kernel);
    Tensor b = Gen.smooth(r, cout);
    String what = "conv2d x " + Arrays.toString(new int[] {n, cin, h, w}) + " w " + Arrays.toString(wt.shape())
        + " stride " + stride + " padding " + padding + " dilation " + dilation + " groups " + groups + " bias " + bias
        + (permutedInput ? " (NHWC leaf permuted to NCHW)" : "");
    Function<Tensor[], Tensor> f = in -> {
      Tensor input = permutedInput ? in[0].permute(0, 3, 1, 2) : in[0];
      return Convolutions.conv2d(input, in[1], bias ? in[2] : null, stride, padding, dilation, groups);
    };
    check(what, f, x, wt, b);
  }

  @Example
  void conv2dWhoseOuterTapsFallWhollyInThePaddingComputesTheCentreTap() {
    // 1x2 input, padding 2, dilation 2, 3x3 kernel: the taps at offsets -2 and +2 never touch the input
    // (this once made im2col read before the start of its array).
    Tensor x = Tensor.of(new float[] {2f, 3f}, 1, 1, 1, 2), w = Tensor.arange(9).reshape(1, 1, 3, 3);
    Tensor y = Convolutions.conv2d(x, w, null, 1, 2, 2, 1);
    assertEquals(Arrays.toString(new int[] {1, 1, 1, 2}), Arrays.toString(y.shape()));
    assertEquals(Arrays.toString(new float[] {8f, 12f}), Arrays.toString(y.toArray())); // x * w[1][1] = x * 4
    check("conv2d with all-padding taps", in -> Convolutions.conv2d(in[0], in[1], null, 1, 2, 2, 1),
        Gen.smooth(new SplittableRandom(5), 1, 2, 1, 2), Gen.smooth(new SplittableRandom(6), 3, 2, 3, 3));
  }

  @Property(tries = 15)
  void conv2dWithDifferentHorizontalAndVerticalGeometryMatchesFiniteDifferences(@ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Conv2dSpec spec = new Conv2dSpec(2, 1, 1, 0, 1, 2, 1);
    check("conv2d spec " + spec, in -> Convolutions.conv2d(in[0], in[1], in[2], spec),
        Gen.smooth(r, 1, 2, 5, 6), Gen.smooth(r, 3, 2, 3, 2), Gen.smooth(r, 3));
  }

  @Property(tries = 40)
  void maxPool2dMatchesFiniteDifferencesOnDistinctValues(@ForAll @IntRange(min = 1, max = 3) int kernel,
      @ForAll @IntRange(min = 1, max = 3) int stride, @ForAll @IntRange(min = 1, max = 2) int dilation,
      @ForAll long seed) {
    // distinct values: every window has one strict maximum that no finite-difference nudge can overtake
    SplittableRandom r = new SplittableRandom(seed);
    int padding = r.nextInt(kernel / 2 + 1);
    int span = dilation * (kernel - 1) + 1;
    int h = Math.max(1, span - 2 * padding) + r.nextInt(3), w = Math.max(1, span - 2 * padding) + r.nextInt(3);
    Tensor x = Gen.distinct(r, 1 + r.nextInt(2), 2, h, w);
    check("maxPool2d k" + kernel + " s" + stride + " p" + padding + " d" + dilation + " " + shapes(x),
        in -> Convolutions.maxPool2d(in[0], kernel, stride, padding, dilation), x);
    check("maxPool2d on a transposed input", in -> Convolutions.maxPool2d(in[0].transpose(2, 3), kernel, stride,
        padding, dilation), Gen.distinct(r, 1, 2, w, h));
  }

  @Property(tries = 40)
  void avgPool2dMatchesFiniteDifferences(@ForAll @IntRange(min = 1, max = 3) int kernel,
      @ForAll @IntRange(min = 1, max = 3) int stride, @ForAll boolean countIncludePad, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int padding = r.nextInt(kernel / 2 + 1);
    int h = Math.max(1, kernel - 2 * padding) + r.nextInt(3), w = Math.max(1, kernel - 2 * padding) + r.nextInt(3);
    Tensor x = Gen.smooth(r, 1 + r.nextInt(2), 2, h, w);
    check("avgPool2d k" + kernel + " s" + stride + " p" + padding + " countIncludePad " + countIncludePad + " "
        + shapes(x), in -> Convolutions.avgPool2d(in[0], kernel, stride, padding, countIncludePad).square(), x);
    check("avgPool2d(kernel) on a permuted input", in -> Convolutions.avgPool2d(in[0].permute(0, 3, 1, 2), 1)
        .square(), Gen.smooth(r, 1, h, w, 2));
  }

  // ============================================================================ embedding and dropout

  @Property(tries = 30)
  void embeddingScatterAddsGradientsIntoTheRowsItLookedUp(@ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int vocab = 2 + r.nextInt(4), dim = 1 + r.nextInt(3);
    float[] idx = new float[6];
    for (int i = 0; i < idx.length; i++) idx[i] = r.nextInt(vocab);
    idx[5] = idx[0]; // a repeated token
    Tensor indices = Tensor.of(idx, 2, 3);
    check("embedding vocab " + vocab + " dim " + dim, in -> Indexing.embedding(in[0], indices).square(),
        Gen.smooth(r, vocab, dim));
    check("embedding of 1-D indices", in -> Indexing.embedding(in[0], indices.reshape(6)).exp(),
        Gen.smooth(r, vocab, dim));
  }

  @Property(tries = 30)
  void dropoutWithAFixedSeedIsDifferentiableThroughItsMask(@ForAll("dropoutP") float p, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Tensor x = Gen.awayFromZero(r, 4, 6);
    long maskSeed = r.nextLong();
    // the same seed gives the same mask on every forward pass, so dropout is a fixed linear map here
    check("dropout p=" + p, in -> Dropout.dropout(in[0], p, true, new SplittableRandom(maskSeed)).square(), x);
    check("dropout p=" + p + " on a transposed input",
        in -> Dropout.dropout(in[0].mT(), p, true, new SplittableRandom(maskSeed)), x);
    // and the mask is real: the output is 0 or x/(1-p) element-wise
    float[] in = x.toArray(), out = Dropout.dropout(x, p, true, new SplittableRandom(maskSeed)).toArray();
    for (int i = 0; i < in.length; i++) {
      assertTrue(out[i] == 0f || Math.abs(out[i] - in[i] / (1 - p)) < 1e-5, "dropout output " + out[i] + " for " + in[i]);
    }
  }

  @Provide
  Arbitrary<Float> dropoutP() {
    return Arbitraries.of(0.1f, 0.3f, 0.5f, 0.8f);
  }

  @Example
  void dropoutMasksSomeAndKeepsSomeOfManyElements() {
    Tensor x = Tensor.ones(1000);
    float[] out = Dropout.dropout(x, 0.5f, true, new SplittableRandom(11)).toArray();
    long zeros = 0;
    for (float v : out) if (v == 0f) zeros++;
    assertTrue(zeros > 400 && zeros < 600, zeros + " of 1000 dropped at p=0.5");
    assertSame(x, Dropout.dropout(x, 0.5f, false, new SplittableRandom(11)), "eval mode is the identity");
  }

  // ============================================================================ losses

  @Provide
  Arbitrary<Reduction> reductions() {
    return Arbitraries.of(Reduction.class);
  }

  @Property(tries = 30)
  void mseLossMatchesFiniteDifferencesInBothArguments(@ForAll("reductions") Reduction red,
      @ForAll("shapes") int[] shape, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    check("mseLoss " + red, in -> Losses.mseLoss(in[0], in[1], red), Gen.smooth(r, shape), Gen.smooth(r, shape));
    check("mseLoss default (mean) on a transposed input", in -> Losses.mseLoss(in[0].mT(), in[1]),
        Gen.smooth(r, 3, 2), Gen.smooth(r, 2, 3));
  }

  @Property(tries = 30)
  void binaryCrossEntropyMatchesFiniteDifferencesInProbabilitiesAndSoftTargets(
      @ForAll("reductions") Reduction red, @ForAll("shapes") int[] shape, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    // d/dp: probabilities in [0.35, 0.65] and soft targets in [0, 0.15] or [0.85, 1]. The step 0.01 stays
    // small against p and 1-p, and t is never near p, where the derivative vanishes and the O(h^2)
    // truncation error of log would dominate it.
    Tensor p = Gen.uniform(r, 0.35f, 0.65f, shape);
    Tensor t = Tensor.of(awayFromHalf(r, Gen.numel(shape), 0f, 0.15f), shape);
    check("binaryCrossEntropy " + red + " d/dp", in -> Losses.binaryCrossEntropy(in[0], in[1], red), p, t);
    // d/dt = log((1-p)/p) is exact for finite differences (the loss is linear in t); p in [0.05, 0.2] or
    // [0.8, 0.95] keeps it away from 0, so float32 rounding of the summed loss cannot swamp it.
    Tensor pFixed = Tensor.of(awayFromHalf(r, Gen.numel(shape), 0.05f, 0.2f), shape);
    check("binaryCrossEntropy " + red + " d/dt", in -> Losses.binaryCrossEntropy(in[0], in[1], red), pFixed,
        Gen.uniform(r, 0f, 1f, shape));
    check("binaryCrossEntropy of a sigmoid", in -> Losses.binaryCrossEntropy(in[0].sigmoid(), in[1]),
        Gen.smooth(r, shape), Gen.uniform(r, 0f, 1f, shape).detach());
  }

  /** Values in [lo, hi) or [1-hi, 1-lo), at random. */
  private static float[] awayFromHalf(SplittableRandom r, int n, float lo, float hi) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      float u = lo + (float) r.nextDouble() * (hi - lo);
      v[i] = r.nextBoolean() ? u : 1f - u;
    }
    return v;
  }

  @Property(tries = 30)
  void binaryCrossEntropyWithLogitsMatchesFiniteDifferencesInLogitsAndTargets(
      @ForAll("reductions") Reduction red, @ForAll("shapes") int[] shape, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Tensor logits = Gen.uniform(r, -4f, 4f, shape), target = Gen.uniform(r, 0f, 1f, shape);
    // A summed loss over up to 27 terms is ~20: float32 rounds it at ~1e-6, which the finite difference turns
    // into ~1e-4 of noise, 1.3% of the largest gradient in the worst draw seen; hence 2e-2 here.
    GradCheck.Result result = GradCheck.check(in -> Losses.binaryCrossEntropyWithLogits(in[0], in[1], red), logits, target);
    if (!result.passes(2 * TOL)) fail("binaryCrossEntropyWithLogits " + red + " " + result);
    check("binaryCrossEntropyWithLogits on an expanded input", in -> Losses.binaryCrossEntropyWithLogits(
        in[0].expand(3, 4), in[1]), Gen.uniform(r, -4f, 4f, 1, 4), Gen.uniform(r, 0f, 1f, 3, 4).detach());
  }

  @Property(tries = 50)
  void crossEntropyMatchesFiniteDifferencesWithLabelSmoothingAndIgnoreIndex(
      @ForAll("reductions") Reduction red, @ForAll("smoothing") float smoothing,
      @ForAll boolean spatial, @ForAll boolean ignoreAClass, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int n = 2 + r.nextInt(3), c = 2 + r.nextInt(3), d = 2;
    int[] shape = spatial ? new int[] {n, c, d} : new int[] {n, c};
    int rows = spatial ? n * d : n;
    int ignore = ignoreAClass ? r.nextInt(c) : Losses.NO_IGNORE;
    int[] targets = new int[rows];
    for (int i = 0; i < rows; i++) {
      targets[i] = r.nextInt(c);
      if (!ignoreAClass && r.nextInt(4) == 0) targets[i] = Losses.NO_IGNORE;
    }
    targets[0] = ignoreAClass ? (ignore + 1) % c : 0; // at least one row counts, so the mean is defined
    check("crossEntropy " + Arrays.toString(shape) + " targets " + Arrays.toString(targets) + " ignore " + ignore
        + " smoothing " + smoothing + " " + red,
        in -> Losses.crossEntropy(in[0], targets, ignore, smoothing, red), Gen.smooth(r, shape));
  }

  @Provide
  Arbitrary<Float> smoothing() {
    return Arbitraries.of(0f, 0.1f, 0.3f, 1f);
  }

  @Property(tries = 20)
  void crossEntropyOfATensorTargetAndOfATransposedInputMatchFiniteDifferences(@ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Tensor targets = Tensor.of(r.nextInt(3), r.nextInt(3), r.nextInt(3), r.nextInt(3));
    check("crossEntropy(logits, Tensor)", in -> Losses.crossEntropy(in[0], targets), Gen.smooth(r, 4, 3));
    int[] t = Indexing.toIndices("test", targets);
    check("crossEntropy of transposed logits", in -> Losses.crossEntropy(in[0].mT(), t), Gen.smooth(r, 3, 4));
  }

  @Property(tries = 30)
  void nllLossMatchesFiniteDifferencesWithIgnoreIndex(@ForAll("reductions") Reduction red,
      @ForAll boolean spatial, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int n = 2 + r.nextInt(3), c = 2 + r.nextInt(3);
    int[] shape = spatial ? new int[] {n, c, 3} : new int[] {n, c};
    int rows = spatial ? n * 3 : n;
    int ignore = r.nextInt(c);
    int[] targets = new int[rows];
    for (int i = 0; i < rows; i++) targets[i] = r.nextInt(c);
    targets[0] = (ignore + 1) % c;
    check("nllLoss " + red + " targets " + Arrays.toString(targets) + " ignore " + ignore,
        in -> Losses.nllLoss(in[0], targets, ignore, red), Gen.smooth(r, shape));
    int[] rowTargets = new int[rows];
    for (int i = 0; i < rows; i++) rowTargets[i] = r.nextInt(c);
    check("nllLoss of logSoftmax (default mean)", in -> Losses.nllLoss(in[0].logSoftmax(1), rowTargets),
        Gen.smooth(r, rows, c));
  }
}
