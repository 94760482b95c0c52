package dev.backflow.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backflow.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.BinaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Broadcasting follows NumPy's rule (align shapes on the right; sizes must match or be 1), checked against
 * an independent implementation of the rule ({@link Gen#numpyBroadcast}) and element by element; the
 * gradient of a broadcast operand is summed back to exactly its own shape; and shapes that do not
 * broadcast are refused with a message naming the op and both shapes.
 */
class BroadcastingPropertyTest {

  enum Op {
    ADD("add", Tensor::add, (x, y) -> x + y),
    SUB("sub", Tensor::sub, (x, y) -> x - y),
    MUL("mul", Tensor::mul, (x, y) -> x * y),
    DIV("div", Tensor::div, (x, y) -> x / y),
    MAXIMUM("maximum", Tensor::maximum, Math::max),
    MINIMUM("minimum", Tensor::minimum, Math::min),
    WHERE("where", (a, b) -> Tensor.where(a.gt(0f), a, b), (x, y) -> x > 0 ? x : y),
    GT("gt", Tensor::gt, (x, y) -> x > y ? 1f : 0f),
    EQ("eq", Tensor::eq, (x, y) -> x == y ? 1f : 0f);

    final String name;
    final BinaryOperator<Tensor> op;
    final BinaryOperator<Float> scalar;

    Op(String name, BinaryOperator<Tensor> op, BinaryOperator<Float> scalar) {
      this.name = name;
      this.op = op;
      this.scalar = scalar;
    }

  }

  @Provide
  Arbitrary<Op> differentiable() {
    return Arbitraries.of(Op.class).filter(op -> op != Op.GT && op != Op.EQ);
  }

  /** Row-major multi-index of flat position {@code flat} in {@code shape}. */
  private static int[] unravel(int flat, int[] shape) {
    int[] idx = new int[shape.length];
    for (int d = shape.length - 1; d >= 0; d--) {
      idx[d] = flat % shape[d];
      flat /= shape[d];
    }
    return idx;
  }

  /** The element of an operand of shape {@code s} that broadcasting maps to output index {@code out}. */
  private static float at(float[] values, int[] s, int[] out) {
    int flat = 0;
    int lead = out.length - s.length;
    for (int d = 0; d < s.length; d++) flat = flat * s[d] + (s[d] == 1 ? 0 : out[d + lead]);
    return values[flat];
  }

  @Property(tries = 200)
  void theResultShapeIsNumPysBroadcastShapeAndEveryElementComesFromTheAlignedOperands(@ForAll Op op,
      @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[][] s = Gen.broadcastPair(r);
    Tensor a = Gen.awayFromZero(r, s[0]).detach(), b = Gen.awayFromZero(r, s[1]).detach();
    int[] expected = Gen.numpyBroadcast(s[0], s[1]);
    assertNotNull(expected);
    Tensor out = op.op.apply(a, b);
    assertArrayEquals(expected, out.shape(), op + " of " + Arrays.toString(s[0]) + " and " + Arrays.toString(s[1]));
    float[] av = a.toArray(), bv = b.toArray(), ov = out.toArray();
    for (int i = 0; i < ov.length; i++) {
      int[] idx = unravel(i, expected);
      float want = op.scalar.apply(at(av, s[0], idx), at(bv, s[1], idx));
      assertEquals(want, ov[i], 1e-6f * Math.max(1f, Math.abs(want)), op + " element " + Arrays.toString(idx));
    }
  }

  @Property(tries = 200)
  void theGradientOfEachBroadcastOperandHasThatOperandsShape(@ForAll("differentiable") Op op, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[][] s = Gen.broadcastPair(r);
    Tensor[] in = op == Op.MAXIMUM || op == Op.MINIMUM ? Gen.distinct(r, s[0], s[1])
        : new Tensor[] {Gen.awayFromZero(r, s[0]), Gen.awayFromZero(r, s[1])};
    Tensor out = op.op.apply(in[0], in[1]);
    out.backward(Tensor.onesLike(out));
    assertArrayEquals(s[0], in[0].grad().shape(), op + ": gradient of the first operand");
    assertArrayEquals(s[1], in[1].grad().shape(), op + ": gradient of the second operand");
  }

  @Property(tries = 100)
  void aBroadcastAddendReceivesOneGradientPerCopyOfItself(@ForAll long seed) {
    // d(sum(a + b))/da_i counts how many output elements a_i reached: numel(out) / numel(a)
    SplittableRandom r = new SplittableRandom(seed);
    int[][] s = Gen.broadcastPair(r);
    Tensor a = Gen.smooth(r, s[0]), b = Gen.smooth(r, s[1]);
    Tensor out = a.add(b);
    out.sum().backward();
    float copiesA = (float) out.numel() / a.numel(), copiesB = (float) out.numel() / b.numel();
    for (float g : a.grad().toArray()) assertEquals(copiesA, g, 0f);
    for (float g : b.grad().toArray()) assertEquals(copiesB, g, 0f);
  }

  @Example
  void aMulGradientIsTheOtherOperandSummedOverTheBroadcastDims() {
    Tensor a = Tensor.of(new float[] {1, 2, 3}, 3, 1).requiresGrad(true); // [3, 1]
    Tensor b = Tensor.of(new float[] {10, 20, 30, 40}, 4).requiresGrad(true); // [4]
    a.mul(b).sum().backward(); // out [3, 4]
    assertArrayEquals(new float[] {100, 100, 100}, a.grad().toArray()); // Σ b
    assertArrayEquals(new float[] {6, 6, 6, 6}, b.grad().toArray()); // Σ a
  }

  @Property(tries = 200)
  void shapesThatDoNotBroadcastAreRefusedNamingTheOpAndBothShapes(@ForAll Op op, @ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] out = Gen.shape(r, 1 + r.nextInt(4), 1, 3);
    int[] sa = Gen.operandOf(r, out), sb = Gen.operandOf(r, out);
    // make one aligned pair of sizes clash: both > 1 and different
    if (sa.length == 0) sa = new int[] {1};
    if (sb.length == 0) sb = new int[] {1};
    int k = r.nextInt(Math.min(sa.length, sb.length)); // counted from the right
    int ia = sa.length - 1 - k, ib = sb.length - 1 - k;
    sa[ia] = 2 + r.nextInt(2);
    sb[ib] = sa[ia] + 1 + r.nextInt(2);
    assertNull(Gen.numpyBroadcast(sa, sb), "test setup: " + Arrays.toString(sa) + " " + Arrays.toString(sb));
    Tensor a = Gen.awayFromZero(r, sa), b = Gen.awayFromZero(r, sb);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> op.op.apply(a, b));
    String m = e.getMessage();
    assertTrue(m.startsWith(op.name + ":"), "message should name " + op.name + ": " + m);
    assertTrue(m.contains(Arrays.toString(sa)) && m.contains(Arrays.toString(sb)),
        "message should name both shapes " + Arrays.toString(sa) + " and " + Arrays.toString(sb) + ": " + m);
  }

  @Example
  void theClassicMismatchNamesTheClashingSizes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Tensor.zeros(2, 3).add(Tensor.zeros(4, 3)));
    assertEquals("add: shapes [2, 3] and [4, 3] do not broadcast (2 ≠ 4 at dim -2)", e.getMessage());
  }

  @Example
  void scalarsAndEmptyShapesBroadcastLikeNumPy() {
    assertArrayEquals(new int[] {2, 3}, Tensor.scalar(2f).mul(Tensor.ones(2, 3)).shape());
    assertArrayEquals(new int[] {}, Tensor.scalar(2f).mul(Tensor.scalar(3f)).shape());
    assertArrayEquals(new int[] {0, 3}, Tensor.zeros(0, 1).add(Tensor.ones(3)).shape());
    assertArrayEquals(new int[] {2, 0}, Tensor.zeros(2, 1).add(Tensor.ones(0)).shape());
    assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2).add(Tensor.zeros(0)));
  }
}
