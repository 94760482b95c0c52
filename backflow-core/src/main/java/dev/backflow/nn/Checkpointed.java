package dev.backflow.nn;

import dev.backflow.autograd.Graph;
import dev.backflow.autograd.Autograd;
import dev.backflow.tensor.Tensor;

/**
 * Gradient checkpointing (torch.utils.checkpoint): the wrapped block runs its forward pass without
 * recording, so none of its intermediate activations are kept; during backward it runs the forward again
 * with recording on and backpropagates through that copy. Memory falls from all of the block's activations
 * to its input alone, at the cost of one more forward pass of the block.
 *
 * <p>The block must compute the same thing twice: no dropout (or other randomness) inside it.
 */
public final class Checkpointed extends Module {
  private final Module block;

  public Checkpointed(Module block) {
    this.block = registerModule("block", block);
  }

  @Override
  public Tensor forward(Tensor x) {
    if (!Autograd.isGradEnabled()) return block.forward(x);
    Tensor out;
    try (var g = Autograd.noGrad()) {
      out = block.forward(x);
    }
    Tensor saved = x.detach();
    boolean inputNeedsGrad = x.requiresGrad();
    // The node's only input is x: the graph keeps x, not the block's activations.
    return Graph.record("checkpoint", Graph.array(out), (grad, needs) -> {
      Tensor replayIn = Graph.constant(Graph.array(saved)).requiresGrad(inputNeedsGrad);
      try (var on = Autograd.enableGrad()) {
        Tensor replayOut = block.forward(replayIn);
        if (replayOut.requiresGrad()) replayOut.backward(grad);
      }
      return new Tensor[] {inputNeedsGrad ? replayIn.grad() : null, null};
    }, x, anyParameter());
  }

  /**
   * The node must be recorded even when x needs no gradient (the block's parameters do), so one parameter
   * is listed as a nominal input; its gradient arrives through the replay's own backward, hence null here.
   */
  private Tensor anyParameter() {
    return block.parameters().isEmpty() ? Tensor.scalar(0f) : block.parameters().get(0);
  }
}
