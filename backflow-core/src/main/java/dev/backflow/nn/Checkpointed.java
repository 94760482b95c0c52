package dev.backflow.nn;

import dev.backflow.autograd.Graph;
import dev.backflow.autograd.Autograd;
import dev.backflow.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Gradient checkpointing (torch.utils.checkpoint): the wrapped block runs its forward pass without
 * recording, so none of its intermediate activations are kept; during backward it runs the forward again
 * with recording on and differentiates that copy. Memory falls from all of the block's activations to its
 * input alone, at the cost of one more forward pass of the block.
 *
 * <p>The replay's gradients for the input and for every parameter are returned to the engine as this node's
 * own (PyTorch's non-reentrant checkpoint), not written into {@code .grad} by a nested backward: so
 * {@code Autograd.grad} through a checkpointed block leaves {@code .grad} alone, and with {@code createGraph}
 * the replay is recorded and its gradients can be differentiated again.
 *
 * <p>The block must compute the same thing twice: no dropout (or other randomness) inside it.
 */
public final class Checkpointed extends Module {
  private final Module block;

  /**
   * Wraps {@code block} (registered as "block") so its activations are recomputed in backward instead of kept.
   * @param block the block to recompute; it must be deterministic (no dropout inside)
   */
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
    List<Tensor> params = block.parameters();
    Tensor[] inputs = new Tensor[params.size() + 1];
    inputs[0] = x;
    for (int i = 0; i < params.size(); i++) inputs[i + 1] = params.get(i);
    // The node's inputs are x and the parameters: the graph keeps x, not the block's activations.
    return Graph.record("checkpoint", Graph.array(out), (grad, needs) -> {
      // Under createGraph the engine runs this rule with recording on: replay from x itself, so the
      // gradients stay functions of x and the parameters; otherwise from a detached copy of x.
      boolean createGraph = Autograd.isGradEnabled();
      Tensor replayIn = createGraph || !x.requiresGrad() ? x : x.detach().requiresGrad(true);
      List<Tensor> wanted = new ArrayList<>();
      if (needs[0] && replayIn.requiresGrad()) wanted.add(replayIn);
      for (int i = 1; i < needs.length; i++) if (needs[i]) wanted.add(inputs[i]);
      Tensor[] result = new Tensor[inputs.length];
      if (wanted.isEmpty()) return result;
      Tensor replayOut;
      try (var on = Autograd.enableGrad()) {
        replayOut = block.forward(replayIn);
      }
      if (!replayOut.requiresGrad()) return result;
      Tensor[] grads = Autograd.grad(new Tensor[] {replayOut}, wanted.toArray(new Tensor[0]), new Tensor[] {grad},
          createGraph, createGraph, true);
      int k = 0;
      if (needs[0] && replayIn.requiresGrad()) result[0] = grads[k++];
      for (int i = 1; i < needs.length; i++) if (needs[i]) result[i] = grads[k++];
      return result;
    }, inputs);
  }
}
