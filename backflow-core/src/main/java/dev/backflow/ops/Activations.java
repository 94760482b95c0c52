package dev.backflow.ops;

import dev.backflow.autograd.Graph;
import static dev.backflow.backend.UnaryOp.*;

import dev.backflow.backend.Backend;
import dev.backflow.backend.Backends;
import dev.backflow.tensor.Tensor;

/** Non-linearities and the softmax family, each beside its derivative. */
public final class Activations {
  private Activations() {}

  private static Backend b() {
    return Backends.current();
  }

  /**
   * g · f'(x) in one fused pass (f' the kernel's local derivative {@code op}), recorded as its own op so that
   * under createGraph it is differentiable: in g it is itself again, in x it is g · f''(x), which
   * {@code second} builds from differentiable ops (null where f'' is 0 almost everywhere).
   */
  static Tensor local(String name, Tensor g, dev.backflow.backend.UnaryOp op, Tensor x, float p, float q,
                              java.util.function.UnaryOperator<Tensor> second) {
    return Graph.record(name, b().elementwise().mulUnary(Graph.array(g), op, Graph.array(x), p, q), (gg, n) -> new Tensor[] {
        n[0] ? local(name, gg, op, x, p, q, second) : null,
        n[1] && second != null ? gg.mul(g).mul(second.apply(x)) : null}, g, x);
  }

  /**
   * Logistic sigmoid {@code 1 / (1 + e^-x)}, elementwise; like {@code torch.sigmoid}.
   * Its gradient is written in terms of the output, so higher derivatives are available.
   *
   * @param x input of any shape
   * @return a new tensor of {@code x}'s shape with values in (0, 1)
   */
  // σ'(z) = y(1 - y) with y = σ(z), one fused pass; d/dy of y(1 - y) = 1 - 2y, so higher derivatives follow
  public static Tensor sigmoid(Tensor x) {
    Tensor[] y = new Tensor[1];
    y[0] = Graph.record("sigmoid", b().elementwise().unary(SIGMOID, Graph.array(x), 0, 0), (g, n) -> new Tensor[] {
        local("sigmoidBackward", g, D_SIGMOID_OF_OUTPUT, y[0], 0, 0, s -> s.mul(-2f).add(1f))}, x);
    return y[0];
  }

  /**
   * Hyperbolic tangent, elementwise; like {@code torch.tanh}.
   *
   * @param x input of any shape
   * @return a new tensor of {@code x}'s shape with values in (-1, 1)
   */
  // tanh'(z) = 1 - y² with y = tanh(z), one fused pass; d/dy of 1 - y² = -2y, so higher derivatives follow
  public static Tensor tanh(Tensor x) {
    Tensor[] y = new Tensor[1];
    y[0] = Graph.record("tanh", b().elementwise().unary(TANH, Graph.array(x), 0, 0), (g, n) -> new Tensor[] {
        local("tanhBackward", g, D_TANH_OF_OUTPUT, y[0], 0, 0, t -> t.mul(-2f))}, x);
    return y[0];
  }

  /**
   * Rectified linear unit {@code max(x, 0)}, elementwise; like {@code torch.relu}. The gradient at exactly 0 is 0.
   *
   * @param x input of any shape
   * @return a new tensor of {@code x}'s shape
   */
  // relu'(z) = 1 if z > 0 else 0: the gradient passes where the input was positive (one fused pass)
  public static Tensor relu(Tensor x) {
    return Graph.record("relu", b().elementwise().unary(RELU, Graph.array(x), 0, 0),
        (g, n) -> new Tensor[] {reluBackward(g, x)}, x);
  }

  // g where x > 0: linear in g (its gradient is the same gate), and relu'' = 0 almost everywhere
  private static Tensor reluBackward(Tensor g, Tensor x) {
    return Graph.record("reluBackward", b().elementwise().binary(dev.backflow.backend.BinaryOp.GATE, Graph.array(g), Graph.array(x)),
        (gg, n) -> new Tensor[] {reluBackward(gg, x)}, g);
  }

  /**
   * Leaky ReLU: {@code x} where {@code x > 0}, else {@code slope * x}; like
   * {@code torch.nn.functional.leaky_relu(x, negative_slope=slope)}.
   *
   * @param x input of any shape
   * @param slope the factor applied to non-positive inputs (PyTorch's default is 0.01)
   * @return a new tensor of {@code x}'s shape
   */
  // leaky'(z) = 1 if z > 0 else slope
  public static Tensor leakyRelu(Tensor x, float slope) {
    return Graph.record("leakyRelu", b().elementwise().unary(LEAKY_RELU, Graph.array(x), slope, 0),
        (g, n) -> new Tensor[] {local("leakyReluBackward", g, D_LEAKY_RELU, x, slope, 0, null)}, x);
  }

  /**
   * Gaussian error linear unit {@code x · Φ(x)}, elementwise; like {@code torch.nn.functional.gelu}.
   *
   * @param x input of any shape
   * @param tanhApprox true for the tanh approximation ({@code approximate='tanh'} in PyTorch, as in GPT-2),
   *     false for the exact form with the error function
   * @return a new tensor of {@code x}'s shape
   */
  // exact: Φ(z) + z φ(z); tanh form: the derivative of its approximation
  public static Tensor gelu(Tensor x, boolean tanhApprox) {
    return Graph.record("gelu", b().elementwise().unary(tanhApprox ? GELU_TANH : GELU_ERF, Graph.array(x), 0, 0),
        (g, n) -> new Tensor[] {tanhApprox ? local("geluBackward", g, D_GELU_TANH, x, 0, 0, Activations::geluTanhSecond)
            : local("geluBackward", g, D_GELU_ERF, x, 0, 0, Activations::geluErfSecond)}, x);
  }

  private static final float INV_SQRT_2PI = (float) (1 / Math.sqrt(2 * Math.PI));
  private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);
  private static final float GELU_C = 0.044715f;

  // gelu''(z) = φ(z) (2 - z²), φ the standard normal density
  private static Tensor geluErfSecond(Tensor z) {
    Tensor z2 = z.mul(z);
    return z2.mul(-0.5f).exp().mul(INV_SQRT_2PI).mul(z2.rsub(2f));
  }

  // y = z (1 + tanh u) / 2 with u = c (z + a z³):  y'' = (1 - t²) (u' + z (u'' - 2 t u'²) / 2),  t = tanh u
  private static Tensor geluTanhSecond(Tensor z) {
    Tensor z2 = z.mul(z);
    Tensor t = z.add(z2.mul(z).mul(GELU_C)).mul(SQRT_2_OVER_PI).tanh();
    Tensor du = z2.mul(3 * GELU_C * SQRT_2_OVER_PI).add(SQRT_2_OVER_PI);
    Tensor ddu = z.mul(6 * GELU_C * SQRT_2_OVER_PI);
    return t.mul(t).rsub(1f).mul(du.add(z.mul(ddu.sub(t.mul(du).mul(du).mul(2f))).mul(0.5f)));
  }

  /**
   * Softplus {@code log(1 + e^(beta·x)) / beta}, a smooth ReLU, elementwise; like
   * {@code torch.nn.functional.softplus}. Where {@code beta·x > threshold} it returns {@code x} itself, for
   * numerical stability.
   *
   * @param x input of any shape
   * @param beta sharpness; larger values approach ReLU (PyTorch's default is 1)
   * @param threshold the value of {@code beta·x} above which the function is taken as linear (PyTorch's default is 20)
   * @return a new tensor of {@code x}'s shape
   * @throws IllegalArgumentException if {@code beta} is not positive
   */
  // softplus(z) = log(1 + e^(βz)) / β, linear above the threshold; derivative σ(βz), second β σ(βz)(1 - σ(βz))
  public static Tensor softplus(Tensor x, float beta, float threshold) {
    if (!(beta > 0)) throw new IllegalArgumentException("softplus: beta must be positive, got " + beta);
    return Graph.record("softplus", b().elementwise().unary(SOFTPLUS, Graph.array(x), beta, threshold),
        (g, n) -> new Tensor[] {local("softplusBackward", g, D_SOFTPLUS, x, beta, threshold, z -> {
          Tensor s = z.mul(beta).sigmoid();
          Tensor below = Graph.constant(b().elementwise().binary(dev.backflow.backend.BinaryOp.LE,
              Graph.array(z.detach().mul(beta)), Graph.array(Tensor.scalar(threshold))));
          return s.mul(s.rsub(1f)).mul(below.mul(beta));
        })}, x);
  }

  /**
   * Softmax along one dimension: {@code e^x / Σ e^x}, so that each slice along {@code dim} is non-negative and sums to
   * 1; like {@code torch.softmax(x, dim)}. Computed stably (the slice's maximum is subtracted first) by one fused kernel.
   * The softmax of a scalar is 1.
   *
   * @param x input of any shape
   * @param dim the dimension to normalize over; negative values count from the end
   * @return a new tensor of {@code x}'s shape
   * @throws IllegalArgumentException if {@code dim} is out of range for {@code x}
   */
  // softmax: dx = y (g - Σ g y), computed by one fused kernel per row
  public static Tensor softmax(Tensor x, int dim) {
    int d = Checks.dim("softmax", x, dim);
    if (x.dim() == 0) return Tensor.onesLike(x).mul(x.mul(0f).add(1f)); // softmax of a scalar is 1
    Tensor[] y = new Tensor[1];
    y[0] = Graph.record("softmax", b().reductions().softmax(Graph.array(x), d, false),
        (g, n) -> new Tensor[] {softmaxBackward(y[0], g, d)}, x);
    return y[0];
  }

  // dx = y (g - Σ g y) by the fused kernel. As an op of (y, g): in g it is itself again (the softmax
  // Jacobian is symmetric); in y, contracted with gg: gg (g - Σ g y) - g Σ gg y.
  private static Tensor softmaxBackward(Tensor y, Tensor g, int d) {
    return Graph.record("softmaxBackward", b().reductions().softmaxBackward(Graph.array(y), Graph.array(g), d, false), (gg, n) -> {
      int[] dims = {d};
      return new Tensor[] {
          n[0] ? gg.mul(g.sub(g.mul(y).sum(dims, true))).sub(g.mul(gg.mul(y).sum(dims, true))) : null,
          n[1] ? softmaxBackward(y, gg, d) : null};
    }, y, g);
  }

  /**
   * Log of the softmax along one dimension, {@code x - log Σ e^x}; like {@code torch.log_softmax(x, dim)}. More accurate
   * than {@code softmax(x, dim).log()} for very negative values; pair it with {@link Losses#nllLoss} for a classifier loss.
   *
   * @param x input of any shape
   * @param dim the dimension to normalize over; negative values count from the end
   * @return a new tensor of {@code x}'s shape
   * @throws IllegalArgumentException if {@code dim} is out of range for {@code x}
   */
  // log-softmax: dx = g - softmax(x) Σ g
  public static Tensor logSoftmax(Tensor x, int dim) {
    int d = Checks.dim("logSoftmax", x, dim);
    if (x.dim() == 0) return x.mul(0f);
    Tensor[] y = new Tensor[1];
    y[0] = Graph.record("logSoftmax", b().reductions().softmax(Graph.array(x), d, true),
        (g, n) -> new Tensor[] {logSoftmaxBackward(y[0], g, d)}, x);
    return y[0];
  }

  // dx = g - e^y Σ g by the fused kernel. As an op of (y, g), contracted with gg:
  // in g, gg - Σ gg e^y;  in y, -gg e^y Σ g.
  private static Tensor logSoftmaxBackward(Tensor y, Tensor g, int d) {
    return Graph.record("logSoftmaxBackward", b().reductions().softmaxBackward(Graph.array(y), Graph.array(g), d, true), (gg, n) -> {
      int[] dims = {d};
      Tensor p = y.exp();
      return new Tensor[] {
          n[0] ? gg.mul(p).mul(g.sum(dims, true)).neg() : null,
          n[1] ? gg.sub(gg.mul(p).sum(dims, true)) : null};
    }, y, g);
  }
}
