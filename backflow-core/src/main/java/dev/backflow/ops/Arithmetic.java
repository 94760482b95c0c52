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

  private static Tensor unary(String name, UnaryOp op, Tensor x, float p, float q, dev.backflow.autograd.BackwardFn back) {
    return Graph.record(name, b().elementwise().unary(op, Graph.array(x), p, q), back, x);
  }

  // d(a+b)/da = 1, d(a+b)/db = 1
  public static Tensor add(Tensor a, Tensor c) {
    return binary("add", BinaryOp.ADD, a, c, (g, n) -> new Tensor[] {g.sumTo(a.shape()), g.sumTo(c.shape())});
  }

  // d(a-b)/da = 1, d(a-b)/db = -1
  public static Tensor sub(Tensor a, Tensor c) {
    return binary("sub", BinaryOp.SUB, a, c, (g, n) -> new Tensor[] {g.sumTo(a.shape()), n[1] ? g.neg().sumTo(c.shape()) : null});
  }

  // d(ab)/da = b, d(ab)/db = a
  public static Tensor mul(Tensor a, Tensor c) {
    return binary("mul", BinaryOp.MUL, a, c, (g, n) -> new Tensor[] {
        n[0] ? g.mul(c).sumTo(a.shape()) : null,
        n[1] ? g.mul(a).sumTo(c.shape()) : null});
  }

  // d(a/b)/da = 1/b, d(a/b)/db = -a/b^2
  public static Tensor div(Tensor a, Tensor c) {
    return binary("div", BinaryOp.DIV, a, c, (g, n) -> new Tensor[] {
        n[0] ? g.div(c).sumTo(a.shape()) : null,
        n[1] ? g.mul(a).div(c.mul(c)).neg().sumTo(c.shape()) : null});
  }

  // x + s (s a constant)
  public static Tensor add(Tensor x, float s) {
    return unary("add", AFFINE, x, 1f, s, (g, n) -> new Tensor[] {g});
  }

  // s - x
  public static Tensor rsub(float s, Tensor x) {
    return unary("rsub", AFFINE, x, -1f, s, (g, n) -> new Tensor[] {g.neg()});
  }

  // x * s
  public static Tensor mul(Tensor x, float s) {
    return unary("mul", AFFINE, x, s, 0f, (g, n) -> new Tensor[] {g.mul(s)});
  }

  public static Tensor neg(Tensor x) {
    return unary("neg", NEG, x, 0, 0, (g, n) -> new Tensor[] {g.neg()});
  }

  // d(x^p)/dx = p x^(p-1)
  public static Tensor pow(Tensor x, float p) {
    return unary("pow", POW, x, p, 0, (g, n) -> new Tensor[] {
        p == 0f ? g.mul(0f) : p == 1f ? g : p == 2f ? g.mul(x).mul(2f) : g.mul(x.pow(p - 1f)).mul(p)});
  }

  // d(sqrt x)/dx = 1 / (2 sqrt x)
  public static Tensor sqrt(Tensor x) {
    Tensor[] out = new Tensor[1];
    out[0] = unary("sqrt", SQRT, x, 0, 0, (g, n) -> new Tensor[] {g.div(out[0]).mul(0.5f)});
    return out[0];
  }

  // d(e^x)/dx = e^x
  public static Tensor exp(Tensor x) {
    Tensor[] out = new Tensor[1];
    out[0] = unary("exp", EXP, x, 0, 0, (g, n) -> new Tensor[] {g.mul(out[0])});
    return out[0];
  }

  // d(ln x)/dx = 1/x
  public static Tensor log(Tensor x) {
    return unary("log", LOG, x, 0, 0, (g, n) -> new Tensor[] {g.div(x)});
  }

  // d|x|/dx = sign(x) (0 at 0, as PyTorch)
  public static Tensor abs(Tensor x) {
    return unary("abs", ABS, x, 0, 0, (g, n) -> new Tensor[] {g.mul(Graph.constant(b().elementwise().unary(SIGN, Graph.array(x), 0, 0)))});
  }

  // gradient passes where min <= x <= max
  public static Tensor clamp(Tensor x, float min, float max) {
    if (min > max) throw new IllegalArgumentException("clamp: min " + min + " is greater than max " + max);
    return unary("clamp", CLAMP, x, min, max, (g, n) -> new Tensor[] {
        g.mul(Graph.constant(b().elementwise().unary(D_CLAMP, Graph.array(x), min, max)))});
  }

  // gradient to the larger input; ties split evenly (as PyTorch)
  public static Tensor maximum(Tensor a, Tensor c) {
    return binary("maximum", BinaryOp.MAX, a, c, (g, n) -> extremumGrad(g, a, c, BinaryOp.GT));
  }

  public static Tensor minimum(Tensor a, Tensor c) {
    return binary("minimum", BinaryOp.MIN, a, c, (g, n) -> extremumGrad(g, a, c, BinaryOp.LT));
  }

  private static Tensor[] extremumGrad(Tensor g, Tensor a, Tensor c, BinaryOp wins) {
    Tensor aWins = Graph.constant(b().elementwise().binary(wins, Graph.array(a), Graph.array(c)));
    Tensor tie = Graph.constant(b().elementwise().binary(BinaryOp.EQ, Graph.array(a), Graph.array(c))).mul(0.5f);
    Tensor shareA = aWins.add(tie);
    return new Tensor[] {g.mul(shareA).sumTo(a.shape()), g.mul(shareA.rsub(1f)).sumTo(c.shape())};
  }

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

  /** Element-wise comparison giving 1 or 0; not differentiable. */
  public static Tensor compare(String name, BinaryOp op, Tensor a, Tensor c) {
    Checks.broadcast(name, a, c);
    return Graph.record(name, b().elementwise().binary(op, Graph.array(a), Graph.array(c)), null, a, c);
  }
}
