package dev.backflow.examples;

import dev.backflow.autograd.Autograd;
import dev.backflow.tensor.Tensor;
import dev.backflow.train.CapturedStep;
import java.util.SplittableRandom;

/**
 * The 2-2-1 sigmoid network of the classic NumPy tutorial, trained on XOR with full-batch gradient
 * descent. The loss is the tutorial's squared error halved, L = Σ (o - y)^2 / 2, so dL/do = o - y.
 *
 * <p>It can be trained two ways that must agree step for step: {@link #stepByHand} writes the backward
 * pass out as the tutorial does (each layer's delta from the one above), {@link #stepWithAutograd} lets
 * {@code loss.backward()} derive the same numbers from the recorded graph.
 */
public final class XorNetwork {
  /** The four XOR inputs {@code [4, 2]}: (0,0), (0,1), (1,0), (1,1). */
  public static final Tensor INPUTS = Tensor.of(new float[] {0, 0, 0, 1, 1, 0, 1, 1}, 4, 2);
  /** The XOR of each input {@code [4, 1]}: 0, 1, 1, 0. */
  public static final Tensor TARGETS = Tensor.of(new float[] {0, 1, 1, 0}, 4, 1);

  /**
   * The parameters, leaf tensors that require grad: {@code w1 [2, 2]}, {@code b1 [2]}, {@code w2 [2, 1]}, {@code b2 [1]}.
   */
  public final Tensor w1, b1, w2, b2;

  private XorNetwork(Tensor w1, Tensor b1, Tensor w2, Tensor b2) {
    this.w1 = w1.requiresGrad(true);
    this.b1 = b1.requiresGrad(true);
    this.w2 = w2.requiresGrad(true);
    this.b2 = b2.requiresGrad(true);
  }

  /**
   * Weights from a standard normal drawn from {@code seed}, biases zero (as the tutorial).
   * @param seed the seed of the weights
   * @return a new network
   */
  public static XorNetwork initialize(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    Tensor w1 = Tensor.randn(rng, 2, 2);
    Tensor w2 = Tensor.randn(rng, 2, 1);
    return new XorNetwork(w1, Tensor.zeros(2), w2, Tensor.zeros(1));
  }

  /**
   * A network with the given weights (w1 [2,2], b1 [2], w2 [2,1], b2 [1]).
   * The tensors are detached, and the network's parameters are these very tensors, now requiring grad.
   *
   * @param w1 the hidden layer's weights {@code [2, 2]}
   * @param b1 the hidden layer's biases {@code [2]}
   * @param w2 the output layer's weights {@code [2, 1]}
   * @param b2 the output layer's bias {@code [1]}
   * @return a new network
   */
  public static XorNetwork of(Tensor w1, Tensor b1, Tensor w2, Tensor b2) {
    return new XorNetwork(w1.detach(), b1.detach(), w2.detach(), b2.detach());
  }

  /**
   * A network with copies of this one's current weights, to train the other way from the same start.
   *
   * @return a new network sharing no storage with this one
   */
  public XorNetwork copy() {
    return new XorNetwork(clone(w1), clone(b1), clone(w2), clone(b2));
  }

  private static Tensor clone(Tensor t) {
    return Tensor.of(t.toArray(), t.shape());
  }

  /**
   * The hidden layer's activations, {@code σ(x w1 + b1)}.
   *
   * @param x inputs {@code [n, 2]}
   * @return the activations {@code [n, 2]}
   */
  public Tensor hidden(Tensor x) {
    return x.matmul(w1).add(b1).sigmoid();
  }

  /**
   * Output probabilities [n, 1].
   * @param x inputs {@code [n, 2]}
   * @return {@code σ(h w2 + b2)} for the hidden activations h
   */
  public Tensor forward(Tensor x) {
    return hidden(x).matmul(w2).add(b2).sigmoid();
  }

  /**
   * The tutorial's loss, {@code Σ (out - target)² / 2}.
   *
   * @param out the outputs {@code [n, 1]}
   * @param target the targets {@code [n, 1]}
   * @return the loss as a scalar tensor
   */
  public static Tensor loss(Tensor out, Tensor target) {
    return out.sub(target).square().sum().mul(0.5f);
  }

  /**
   * One step with the backward pass written out by hand; returns the loss before the step.
   * @param lr the learning rate
   * @return the loss before the step
   */
  public float stepByHand(float lr) {
    try (var g = Autograd.noGrad()) {
      Tensor h = hidden(INPUTS);
      Tensor o = h.matmul(w2).add(b2).sigmoid();
      // Output delta: dL/do * do/dz2 = (o - y) * o(1 - o)
      Tensor dO = o.sub(TARGETS).mul(o).mul(o.rsub(1f));
      // Hidden delta: the output delta sent back through w2, times h(1 - h)
      Tensor dH = dO.matmul(w2.mT()).mul(h).mul(h.rsub(1f));
      float l = loss(o, TARGETS).item();
      w2.sub_(h.mT().matmul(dO).mul(lr));
      b2.sub_(dO.sum(0).mul(lr));
      w1.sub_(INPUTS.mT().matmul(dH).mul(lr));
      b1.sub_(dH.sum(0).mul(lr));
      return l;
    }
  }

  /**
   * One step where autograd computes the gradients; returns the loss before the step.
   * @param lr the learning rate
   * @return the loss before the step
   */
  public float stepWithAutograd(float lr) {
    return trainStep(lr).item();
  }

  /**
   * One SGD step (forward, loss, backward, update); returns the loss tensor of the step.
   * @param lr the learning rate
   * @return the loss tensor, computed before the update
   */
  public Tensor trainStep(float lr) {
    Tensor l = loss(forward(INPUTS), TARGETS);
    for (Tensor p : parameters()) p.zeroGrad();
    l.backward();
    try (var g = Autograd.noGrad()) {
      for (Tensor p : parameters()) p.add_(p.grad(), -lr);
    }
    return l;
  }

  /**
   * The training step captured for replay (after one eager warm-up step; both are real steps): each
   * {@code run()} of the result is one more step, with the same numbers as {@link #stepWithAutograd}.
   * @param lr the learning rate, frozen into the recording
   * @return the captured step; its {@code run()} returns the loss tensor
   */
  public CapturedStep capture(float lr) {
    return CapturedStep.capture(() -> trainStep(lr), 1);
  }

  /**
   * The parameters in the order w1, b1, w2, b2.
   *
   * @return a new array of the parameter tensors themselves
   */
  public Tensor[] parameters() {
    return new Tensor[] {w1, b1, w2, b2};
  }

  /**
   * Trains for {@code epochs} full-batch steps and returns this network.
   * @param epochs the number of steps
   * @param lr the learning rate
   * @param byHand true for {@link #stepByHand}, false for {@link #stepWithAutograd}
   * @return this network
   */
  public XorNetwork train(int epochs, float lr, boolean byHand) {
    for (int e = 0; e < epochs; e++) {
      if (byHand) stepByHand(lr);
      else stepWithAutograd(lr);
    }
    return this;
  }

  /**
   * True when every prediction is within {@code tolerance} of its target.
   * @param tolerance the largest error allowed per output
   * @return true if all four outputs are within the tolerance
   */
  public boolean converged(float tolerance) {
    try (var g = Autograd.noGrad()) {
      return forward(INPUTS).sub(TARGETS).abs().max().item() < tolerance;
    }
  }
}
