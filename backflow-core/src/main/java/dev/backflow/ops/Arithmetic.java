package dev.backflow.ops;

import dev.backflow.autograd.Graph;
import static dev.backflow.backend.UnaryOp.*;

import dev.backflow.backend.Backend;
import dev.backflow.backend.Backends;
import dev.backflow.backend.BinaryOp;
import dev.backflow.backend.UnaryOp;
import dev.backflow.tensor.Tensor;

/**
 * Arithmetic with broadcasting. Each op computes its forward value and, beside it, its local derivative
 * times the incoming gradient; broadcast inputs get their gradient summed back to their own shape.
 */
public final class Arithmetic {
  private Arithmetic() {}

  private static Backend b() {
    return Backends.current();
  }

  private static Tensor binary(String name, BinaryOp op, Tensor a, Tensor c, dev.backflow.autograd.BackwardFn back) {
    Checks.broadcast(name, a, c);
    return Graph.record(name, b().elementwise().binary(op, Graph.array(a), Graph.array(c)), back, a, c);
  }

  /** g summed down to the shape of {@code like} (the input a broadcast stretched); g itself when the shapes match. */
  private static Tensor sumToShapeOf(Tensor g, Tensor like) {
    return Graph.storage(g).sameShape(Graph.storage(like)) ? g : g.sumTo(like.shape());
  }

  private static Tensor unary(String name, UnaryOp op, Tensor x, float p, float q, dev.backflow.autograd.BackwardFn back) {
    return Graph.record(name, b().elementwise().unary(op, Graph.array(x), p, q), back, x);
  }

  /**
   * Elementwise sum {@code a + c} with broadcasting; like {@code torch.add}.
   *
   * @param a first operand
   * @param c second operand; its shape must broadcast with {@code a}'s
   * @return a new tensor of the broadcast shape
   * @throws IllegalArgumentException if the shapes do not broadcast
   */
  // d(a+b)/da = 1, d(a+b)/db = 1
  public static Tensor add(Tensor a, Tensor c) {
    return binary("add", BinaryOp.ADD, a, c, (g, n) -> new Tensor[] {
        n[0] ? sumToShapeOf(g, a) : null, n[1] ? sumToShapeOf(g, c) : null});
  }

  /**
   * Elementwise difference {@code a - c} with broadcasting; like {@code torch.sub}.
   *
   * @param a the tensor to subtract from
   * @param c the tensor to subtract; its shape must broadcast with {@code a}'s
   * @return a new tensor of the broadcast shape
   * @throws IllegalArgumentException if the shapes do not broadcast
   */
  // d(a-b)/da = 1, d(a-b)/db = -1
  public static Tensor sub(Tensor a, Tensor c) {
    return binary("sub", BinaryOp.SUB, a, c, (g, n) -> new Tensor[] {
        n[0] ? sumToShapeOf(g, a) : null, n[1] ? sumToShapeOf(g.neg(), c) : null});
  }

  /**
   * Elementwise product {@code a * c} with broadcasting (not a matrix product; see {@link Linalg#matmul}); like
   * {@code torch.mul}.
   *
   * @param a first factor
   * @param c second factor; its shape must broadcast with {@code a}'s
   * @return a new tensor of the broadcast shape
   * @throws IllegalArgumentException if the shapes do not broadcast
   */
  // d(ab)/da = b, d(ab)/db = a
  public static Tensor mul(Tensor a, Tensor c) {
    return binary("mul", BinaryOp.MUL, a, c, (g, n) -> new Tensor[] {
        n[0] ? sumToShapeOf(g.mul(c), a) : null,
        n[1] ? sumToShapeOf(g.mul(a), c) : null});
  }

  /**
   * Elementwise quotient {@code a / c} with broadcasting; like {@code torch.div}. Division by zero gives infinity
   * or NaN, as in IEEE floating point.
   *
   * @param a the dividend
   * @param c the divisor; its shape must broadcast with {@code a}'s
   * @return a new tensor of the broadcast shape
   * @throws IllegalArgumentException if the shapes do not broadcast
   */
  // d(a/b)/da = 1/b, d(a/b)/db = -a/b^2
  public static Tensor div(Tensor a, Tensor c) {
    return binary("div", BinaryOp.DIV, a, c, (g, n) -> new Tensor[] {
        n[0] ? sumToShapeOf(g.div(c), a) : null,
        n[1] ? sumToShapeOf(g.mul(a).div(c.mul(c)).neg(), c) : null});
  }

  /**
   * Adds a constant to every element: {@code x + s}.
   *
   * @param x input of any shape
   * @param s the constant to add
   * @return a new tensor of {@code x}'s shape
   */
  // x + s (s a constant)
  public static Tensor add(Tensor x, float s) {
    return unary("add", AFFINE, x, 1f, s, (g, n) -> new Tensor[] {g});
  }

  /**
   * Subtracts every element from a constant: {@code s - x} (PyTorch's {@code torch.rsub(x, s)}).
   *
   * @param s the constant to subtract from
   * @param x input of any shape
   * @return a new tensor of {@code x}'s shape
   */
  // s - x
  public static Tensor rsub(float s, Tensor x) {
    return unary("rsub", AFFINE, x, -1f, s, (g, n) -> new Tensor[] {g.neg()});
  }

  /**
   * Multiplies every element by a constant: {@code x * s}.
   *
   * @param x input of any shape
   * @param s the factor
   * @return a new tensor of {@code x}'s shape
   */
  // x * s
  public static Tensor mul(Tensor x, float s) {
    return unary("mul", AFFINE, x, s, 0f, (g, n) -> new Tensor[] {g.mul(s)});
  }

  /**
   * Elementwise negation {@code -x}; like {@code torch.neg}.
   *
   * @param x input of any shape
   * @return a new tensor of {@code x}'s shape
   */
  public static Tensor neg(Tensor x) {
    return unary("neg", NEG, x, 0, 0, (g, n) -> new Tensor[] {g.neg()});
  }

  /**
   * Raises every element to a constant power, {@code x^p}; like {@code torch.pow(x, p)}. A negative base with a
   * non-integer exponent gives NaN.
   *
   * @param x the base, of any shape
   * @param p the exponent
   * @return a new tensor of {@code x}'s shape
   */
  // d(x^p)/dx = p x^(p-1); for p = 2, g · 2x in one fused pass (d/dx of 2x is 2)
  public static Tensor pow(Tensor x, float p) {
    return unary("pow", POW, x, p, 0, (g, n) -> new Tensor[] {
        p == 0f ? g.mul(0f) : p == 1f ? g : p == 2f ? Activations.local("powBackward", g, AFFINE, x, 2f, 0f, xx -> Tensor.scalar(2f))
            : g.mul(x.pow(p - 1f)).mul(p)});
  }

  /**
   * Elementwise square root; like {@code torch.sqrt}. Negative inputs give NaN, and the gradient at 0 is infinite.
   *
   * @param x input of any shape
   * @return a new tensor of {@code x}'s shape
   */
  // d(sqrt x)/dx = 1 / (2 sqrt x)
  public static Tensor sqrt(Tensor x) {
    Tensor[] out = new Tensor[1];
    out[0] = unary("sqrt", SQRT, x, 0, 0, (g, n) -> new Tensor[] {g.div(out[0]).mul(0.5f)});
    return out[0];
  }

  /**
   * Elementwise exponential {@code e^x}; like {@code torch.exp}.
   *
   * @param x input of any shape
   * @return a new tensor of {@code x}'s shape
   */
  // d(e^x)/dx = e^x
  public static Tensor exp(Tensor x) {
    Tensor[] out = new Tensor[1];
    out[0] = unary("exp", EXP, x, 0, 0, (g, n) -> new Tensor[] {g.mul(out[0])});
    return out[0];
  }

  /**
   * Elementwise natural logarithm; like {@code torch.log}. 0 gives negative infinity, negative inputs NaN.
   *
   * @param x input of any shape
   * @return a new tensor of {@code x}'s shape
   */
  // d(ln x)/dx = 1/x
  public static Tensor log(Tensor x) {
    return unary("log", LOG, x, 0, 0, (g, n) -> new Tensor[] {g.div(x)});
  }

  /**
   * Elementwise absolute value; like {@code torch.abs}. Its gradient at 0 is 0, as in PyTorch.
   *
   * @param x input of any shape
   * @return a new tensor of {@code x}'s shape
   */
  // d|x|/dx = sign(x) (0 at 0, as PyTorch)
  public static Tensor abs(Tensor x) {
    return unary("abs", ABS, x, 0, 0, (g, n) -> new Tensor[] {g.mul(Graph.constant(b().elementwise().unary(SIGN, Graph.array(x), 0, 0)))});
  }

  /**
   * Limits every element to {@code [min, max]}; like {@code torch.clamp}. The gradient passes only where
   * {@code min <= x <= max}.
   *
   * @param x input of any shape
   * @param min the lower bound
   * @param max the upper bound
   * @return a new tensor of {@code x}'s shape
   * @throws IllegalArgumentException if {@code min > max}
   */
  // gradient passes where min <= x <= max
  public static Tensor clamp(Tensor x, float min, float max) {
    if (min > max) throw new IllegalArgumentException("clamp: min " + min + " is greater than max " + max);
    return unary("clamp", CLAMP, x, min, max, (g, n) -> new Tensor[] {
        g.mul(Graph.constant(b().elementwise().unary(D_CLAMP, Graph.array(x), min, max)))});
  }

  /**
   * Elementwise larger of two tensors with broadcasting; like {@code torch.maximum}. The gradient goes to the larger
   * input, split evenly on ties, as in PyTorch.
   *
   * @param a first operand
   * @param c second operand; its shape must broadcast with {@code a}'s
   * @return a new tensor of the broadcast shape
   * @throws IllegalArgumentException if the shapes do not broadcast
   */
  // gradient to the larger input; ties split evenly (as PyTorch)
  public static Tensor maximum(Tensor a, Tensor c) {
    return binary("maximum", BinaryOp.MAX, a, c, (g, n) -> extremumGrad(g, a, c, BinaryOp.GT));
  }

  /**
   * Elementwise smaller of two tensors with broadcasting; like {@code torch.minimum}. The gradient goes to the smaller
   * input, split evenly on ties, as in PyTorch.
   *
   * @param a first operand
   * @param c second operand; its shape must broadcast with {@code a}'s
   * @return a new tensor of the broadcast shape
   * @throws IllegalArgumentException if the shapes do not broadcast
   */
  public static Tensor minimum(Tensor a, Tensor c) {
    return binary("minimum", BinaryOp.MIN, a, c, (g, n) -> extremumGrad(g, a, c, BinaryOp.LT));
  }

  private static Tensor[] extremumGrad(Tensor g, Tensor a, Tensor c, BinaryOp wins) {
    Tensor aWins = Graph.constant(b().elementwise().binary(wins, Graph.array(a), Graph.array(c)));
    Tensor tie = Graph.constant(b().elementwise().binary(BinaryOp.EQ, Graph.array(a), Graph.array(c))).mul(0.5f);
    Tensor shareA = aWins.add(tie);
    return new Tensor[] {g.mul(shareA).sumTo(a.shape()), g.mul(shareA.rsub(1f)).sumTo(c.shape())};
  }

  /**
   * Picks elementwise from {@code a} where {@code cond} is non-zero and from {@code c} elsewhere, with broadcasting;
   * like {@code torch.where(cond, a, c)}. The gradient goes to whichever branch was taken; {@code cond} gets none.
   *
   * @param cond the condition, usually a 0/1 mask from a comparison
   * @param a values where the condition holds
   * @param c values where it does not
   * @return a new tensor of the broadcast shape of all three
   * @throws IllegalArgumentException if the shapes do not broadcast
   */
  // the gradient goes to whichever branch was taken
  public static Tensor where(Tensor cond, Tensor a, Tensor c) {
    Checks.broadcast("where", a, c);
    Checks.broadcast("where", cond, a);
    Tensor zero = Tensor.scalar(0f);
    return Graph.record("where", b().elementwise().where(Graph.array(cond), Graph.array(a), Graph.array(c)), (g, n) -> new Tensor[] {
        null,
        n[1] ? Tensor.where(cond, g, zero).sumTo(a.shape()) : null,
        n[2] ? Tensor.where(cond, zero, g).sumTo(c.shape()) : null}, cond, a, c);
  }

  /**
   * Element-wise comparison giving 1 or 0; not differentiable.
   * @param name the op's name, used in error messages and graph dumps (e.g. {@code "gt"})
   * @param op the comparison to apply ({@code GT}, {@code LT}, {@code EQ}, ...)
   * @param a first operand
   * @param c second operand; its shape must broadcast with {@code a}'s
   * @return a new tensor of the broadcast shape holding 1 where the comparison holds and 0 elsewhere
   * @throws IllegalArgumentException if the shapes do not broadcast
   */
  public static Tensor compare(String name, BinaryOp op, Tensor a, Tensor c) {
    Checks.broadcast(name, a, c);
    return Graph.record(name, b().elementwise().binary(op, Graph.array(a), Graph.array(c)), null, a, c);
  }
}
