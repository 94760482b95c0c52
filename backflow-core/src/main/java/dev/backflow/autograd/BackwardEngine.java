package dev.backflow.autograd;

import dev.backflow.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * Reverse-mode differentiation: one topological sort of the graph below the root, then one reverse
 * sweep in which each node's local rule turns dL/d(output) into dL/d(inputs). Each local gradient is
 * computed once and reused by everything upstream. Both passes are iterative, so a chain of any length
 * backpropagates without deepening the Java stack.
 */
public final class BackwardEngine {
  private BackwardEngine() {}

  public static void run(Tensor root, Tensor seed, boolean retainGraph) {
    if (!root.requiresGrad()) {
      throw new IllegalStateException("backward: this tensor does not require grad and has no grad_fn; "
          + "mark an input with requiresGrad(true) before computing it (or you are inside Autograd.noGrad())");
    }
    if (seed == null) {
      if (root.numel() != 1) {
        throw new IllegalArgumentException("backward: grad can be implicitly created only for scalar outputs, "
            + "but this tensor has shape " + Arrays.toString(root.shape())
            + "; call backward(seed) with a gradient of that shape, or reduce it first (sum(), mean())");
      }
      seed = Tensor.onesLike(root);
    } else if (!Arrays.equals(seed.shape(), root.shape())) {
      throw new IllegalArgumentException("backward: seed shape " + Arrays.toString(seed.shape())
          + " does not match the output shape " + Arrays.toString(root.shape()));
    }
    Graph.TensorAccess tensors = Graph.access();
    List<Tensor> order = topologicalOrder(root);
    IdentityHashMap<Tensor, Tensor> pending = new IdentityHashMap<>();
    pending.put(root, seed.detach());
    // Storage already handed to a leaf's grad (or owned by the caller, like the seed): a leaf that would
    // receive it again gets a copy, so no two grads ever share memory.
    IdentityHashMap<float[], Boolean> handedOut = new IdentityHashMap<>();
    handedOut.put(Graph.array(seed).data(), Boolean.TRUE);
    try (var noGrad = Autograd.noGrad()) {
      for (int i = order.size() - 1; i >= 0; i--) {
        Tensor t = order.get(i);
        Tensor g = pending.remove(t);
        if (g == null) continue;
        g = tensors.runHooks(t, g);
        Node node = t.gradFn();
        if (node == null || t.retainsGrad()) {
          boolean owned = g.isContiguous() && Graph.array(g).data().length == g.numel()
              && handedOut.put(Graph.array(g).data(), Boolean.TRUE) == null;
          tensors.accumulateGrad(t, g, owned);
        }
        if (node == null) continue;
        Tensor[] inputs = node.inputs();
        boolean[] needs = new boolean[inputs.length];
        for (int k = 0; k < inputs.length; k++) needs[k] = inputs[k].requiresGrad();
        Tensor[] grads;
        try {
          grads = node.apply(g, needs);
        } catch (AnomalyException e) {
          // an op inside the backward rule went non-finite: report the node being differentiated, not that op
          throw new AnomalyException("backward: " + node.name() + " produced a NaN or infinite gradient (inputs "
              + node.inputShapes() + ")" + (node.createdAt() != null ? "; the op was created at " + node.createdAt() : "")
              + "; inside its backward rule: " + e.getMessage().replaceFirst("; called at .*$", ""));
        }
        for (int k = 0; k < inputs.length; k++) {
          if (!needs[k] || grads[k] == null) continue;
          check(node, inputs[k], grads[k]);
          pending.merge(inputs[k], grads[k], Tensor::add);
        }
        if (!retainGraph) node.free();
      }
    }
  }

  /** Post-order DFS with an explicit stack: inputs come before the tensors computed from them. */
  private static List<Tensor> topologicalOrder(Tensor root) {
    List<Tensor> order = new ArrayList<>();
    IdentityHashMap<Tensor, Boolean> seen = new IdentityHashMap<>();
    ArrayDeque<Tensor> stack = new ArrayDeque<>();
    ArrayDeque<int[]> next = new ArrayDeque<>();
    seen.put(root, Boolean.TRUE);
    stack.push(root);
    next.push(new int[] {0});
    while (!stack.isEmpty()) {
      Tensor t = stack.peek();
      int[] cursor = next.peek();
      Node node = t.gradFn();
      Tensor[] inputs = node == null ? null : node.inputs();
      if (inputs != null && cursor[0] < inputs.length) {
        Tensor in = inputs[cursor[0]++];
        if (in.requiresGrad() && seen.put(in, Boolean.TRUE) == null) {
          stack.push(in);
          next.push(new int[] {0});
        }
      } else {
        stack.pop();
        next.pop();
        order.add(t);
      }
    }
    return order;
  }

  private static void check(Node node, Tensor input, Tensor grad) {
    if (!Arrays.equals(input.shape(), grad.shape())) {
      throw new IllegalStateException("backward: " + node.name() + " returned a gradient of shape "
          + Arrays.toString(grad.shape()) + " for an input of shape " + Arrays.toString(input.shape()));
    }
    if (Autograd.isAnomalyEnabled() && !grad.isFinite()) {
      throw new AnomalyException("backward: " + node.name() + " produced a NaN or infinite gradient for its input of"
          + " shape " + Arrays.toString(input.shape()) + " (inputs " + node.inputShapes() + ")"
          + (node.createdAt() != null ? "; the op was created at " + node.createdAt() : ""));
    }
  }
}
