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

  /** g · op(x), op a local derivative, fused in one pass. */
  private static Tensor local(Tensor g, dev.backflow.backend.UnaryOp op, Tensor x, float p, float q) {
    return Graph.constant(b().elementwise().mulUnary(Graph.array(g), op, Graph.array(x), p, q));
  }

  // σ'(z) = σ(z)(1 - σ(z))
  public static Tensor sigmoid(Tensor x) {
    Tensor[] y = new Tensor[1];
    y[0] = Graph.record("sigmoid", b().elementwise().unary(SIGMOID, Graph.array(x), 0, 0), (g, n) -> {
      Tensor s = y[0].detach();
      return new Tensor[] {g.mul(s.mul(s.rsub(1f)))};
    }, x);
    return y[0];
  }

  // tanh'(z) = 1 - tanh(z)^2
  public static Tensor tanh(Tensor x) {
    Tensor[] y = new Tensor[1];
    y[0] = Graph.record("tanh", b().elementwise().unary(TANH, Graph.array(x), 0, 0), (g, n) -> {
      Tensor t = y[0].detach();
      return new Tensor[] {g.mul(t.mul(t).rsub(1f))};
    }, x);
    return y[0];
  }

  // relu'(z) = 1 if z > 0 else 0: the gradient passes where the input was positive (one fused pass)
  public static Tensor relu(Tensor x) {
    return Graph.record("relu", b().elementwise().unary(RELU, Graph.array(x), 0, 0),
        (g, n) -> new Tensor[] {Graph.constant(b().elementwise().binary(dev.backflow.backend.BinaryOp.GATE, Graph.array(g), Graph.array(x)))}, x);
  }

  // leaky'(z) = 1 if z > 0 else slope
  public static Tensor leakyRelu(Tensor x, float slope) {
    return Graph.record("leakyRelu", b().elementwise().unary(LEAKY_RELU, Graph.array(x), slope, 0),
        (g, n) -> new Tensor[] {local(g, D_LEAKY_RELU, x, slope, 0)}, x);
  }

  // exact: Φ(z) + z φ(z); tanh form: the derivative of its approximation
  public static Tensor gelu(Tensor x, boolean tanhApprox) {
    return Graph.record("gelu", b().elementwise().unary(tanhApprox ? GELU_TANH : GELU_ERF, Graph.array(x), 0, 0),
        (g, n) -> new Tensor[] {local(g, tanhApprox ? D_GELU_TANH : D_GELU_ERF, x, 0, 0)}, x);
  }

  // softplus(z) = log(1 + e^(βz)) / β, linear above the threshold; derivative σ(βz)
  public static Tensor softplus(Tensor x, float beta, float threshold) {
    if (!(beta > 0)) throw new IllegalArgumentException("softplus: beta must be positive, got " + beta);
    return Graph.record("softplus", b().elementwise().unary(SOFTPLUS, Graph.array(x), beta, threshold),
        (g, n) -> new Tensor[] {local(g, D_SOFTPLUS, x, beta, threshold)}, x);
  }

  // softmax: dx = y (g - Σ g y), computed by one fused kernel per row
  public static Tensor softmax(Tensor x, int dim) {
    int d = Checks.dim("softmax", x, dim);
    if (x.dim() == 0) return Tensor.onesLike(x).mul(x.mul(0f).add(1f)); // softmax of a scalar is 1
    Tensor[] y = new Tensor[1];
    y[0] = Graph.record("softmax", b().reductions().softmax(Graph.array(x), d, false),
        (g, n) -> new Tensor[] {Graph.constant(b().reductions().softmaxBackward(Graph.array(y[0]), Graph.array(g), d, false))}, x);
    return y[0];
  }

  // log-softmax: dx = g - softmax(x) Σ g
  public static Tensor logSoftmax(Tensor x, int dim) {
    int d = Checks.dim("logSoftmax", x, dim);
    if (x.dim() == 0) return x.mul(0f);
    Tensor[] y = new Tensor[1];
    y[0] = Graph.record("logSoftmax", b().reductions().softmax(Graph.array(x), d, true),
        (g, n) -> new Tensor[] {Graph.constant(b().reductions().softmaxBackward(Graph.array(y[0]), Graph.array(g), d, true))}, x);
    return y[0];
  }
}
