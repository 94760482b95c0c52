package dev.backflow.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backflow.backend.Backend;
import dev.backflow.backend.Backends;
import dev.backflow.nn.Activation;
import dev.backflow.nn.Sequential;
import dev.backflow.nn.TransformerBlock;
import dev.backflow.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A transformer block declares its intermediates releasable (Graph.releaseAfterBackward): a plain backward pass that
 * consumed the whole graph hands their storage to the backend for the next step. Only those: the block's input and
 * output, its parameters and their gradients, what a hook was shown, and everything of a graph kept for another pass
 * stay untouched. (That training with the release is bit for bit training without it: GradientRecyclingTest.)
 */
class IntermediateReleaseTest {
  // [8, 16, 64] activations: 8,192 floats, above the CPU pool's minimum length.
  private static final int B = 8, T = 16, C = 64;

  @Test
  void theBlocksIntermediatesGoBackAndNothingTheCallerCanReachDoes() throws Exception {
    Recording backend = new Recording(Backends.current());
    try (var scope = Backends.scoped(backend)) {
      TransformerBlock block = block();
      Tensor x = input().requiresGrad(true);
      Tensor y = block.forward(x);
      List<Tensor> marked = releasable(y);
      // Both normalized inputs, q/k/v, the heads' output, its projection, the residual sum, the MLP's two hidden
      // layers and its output.
      assertEquals(9, marked.size(), "intermediates the block declared");
      List<float[]> saved = savedReleasable(y);
      assertEquals(1, saved.size(), "the attention's weights, saved for its rule alone");
      y.mul(y).sum().backward();
      for (Tensor t : marked) assertTrue(backend.recycled(t), "a declared intermediate " + t + " was handed back");
      assertTrue(backend.handedBack.contains(saved.get(0)), "the attention's weights were handed back");
      assertFalse(backend.recycled(x) || backend.recycled(y), "the block's input and output stay the caller's");
      // Gradients' arrays may have been recycled and taken again during the pass: they are checked by their values,
      // which more steps on this thread (taking whatever was handed back, filling it with other numbers) must not change.
      List<Tensor> reachable = new ArrayList<>(List.of(x, y, x.grad()));
      for (Tensor p : block.parameters()) {
        assertFalse(backend.recycled(p), "a parameter");
        reachable.add(p);
        reachable.add(p.grad());
      }
      List<float[]> before = new ArrayList<>();
      for (Tensor t : reachable) before.add(t.toArray());
      TransformerBlock other = new TransformerBlock(C, 4, 0f, new SplittableRandom(3));
      for (int i = 0; i < 3; i++) other.forward(x.detach().mul(i + 2f)).sum().backward();
      for (int i = 0; i < reachable.size(); i++) assertArrayEquals(before.get(i), reachable.get(i).toArray(), "reachable tensor " + i);
    }
  }

  @Test
  void aGraphKeptForAnotherPassKeepsItsIntermediates() throws Exception {
    Recording backend = new Recording(Backends.current());
    try (var scope = Backends.scoped(backend)) {
      TransformerBlock block = block();
      Tensor x = input().requiresGrad(true);
      Tensor y = block.forward(x);
      List<Tensor> marked = releasable(y);
      Tensor loss = y.mul(y).sum();
      loss.backward(null, true);
      float[] once = x.grad().toArray();
      // The second pass's kernels take recycled arrays for their outputs: had the first handed the intermediates back,
      // they would be overwritten while the second still reads them.
      loss.backward(null, true);
      for (Tensor t : marked) assertFalse(backend.recycled(t), "kept for the second pass: " + t);
      assertTrue(savedReleasable(y).stream().noneMatch(backend.handedBack::contains), "the weights kept for the second pass");
      float[] twice = x.grad().toArray();
      for (int i = 0; i < once.length; i++) assertEquals(2 * once[i], twice[i], "gradient " + i + " accumulated exactly");
    }
  }

  @Test
  void anActivationAForwardHookWasShownIsNotHandedBack() throws Exception {
    Recording backend = new Recording(Backends.current());
    try (var scope = Backends.scoped(backend)) {
      TransformerBlock block = block();
      Activation gelu = (Activation) ((Sequential) block.children().get("mlp")).get(1);
      List<Tensor> seen = new ArrayList<>();
      gelu.registerForwardHook(seen::add);
      Tensor x = input();
      block.forward(x).sum().backward();
      Tensor kept = seen.get(0);
      float[] values = kept.toArray();
      assertFalse(backend.recycled(kept), "the hook's activation");
      // More steps on this thread reuse whatever was handed back.
      for (int i = 0; i < 3; i++) block.forward(x.mul(i + 2f)).sum().backward();
      assertArrayEquals(values, kept.toArray(), "the hook's activation keeps its values");
      assertEquals(8, releasable(block.forward(x)).size(), "the other intermediates are still declared");
    }
  }

  private static TransformerBlock block() {
    return new TransformerBlock(C, 4, 0f, new SplittableRandom(1));
  }

  private static Tensor input() {
    return Tensor.randn(new SplittableRandom(2), B, T, C);
  }

  /** The tensors of y's graph whose node says its output may be handed back, found before backward frees the graph. */
  private static List<Tensor> releasable(Tensor y) {
    List<Tensor> found = new ArrayList<>();
    Set<Tensor> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    ArrayDeque<Tensor> todo = new ArrayDeque<>(List.of(y));
    while (!todo.isEmpty()) {
      Tensor t = todo.pop();
      Node node = t.gradFn();
      if (node == null || !seen.add(t)) continue;
      if (node.isOutputReleasable()) found.add(t);
      for (Tensor in : node.inputs()) todo.push(in);
    }
    return found;
  }

  /** The arrays y's graph's nodes saved for their rules alone. */
  private static List<float[]> savedReleasable(Tensor y) {
    List<float[]> found = new ArrayList<>();
    Set<Node> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    ArrayDeque<Tensor> todo = new ArrayDeque<>(List.of(y));
    while (!todo.isEmpty()) {
      Node node = todo.pop().gradFn();
      if (node == null || !seen.add(node)) continue;
      if (node.savedReleasable() != null) found.add(node.savedReleasable());
      for (Tensor in : node.inputs()) todo.push(in);
    }
    return found;
  }

  /** The current backend, noting which arrays the engine hands back before passing them on. */
  private static final class Recording extends DelegatingBackend {
    private final Set<float[]> handedBack = java.util.Collections.newSetFromMap(new IdentityHashMap<>());

    Recording(Backend inner) {
      super(inner);
    }

    boolean recycled(Tensor t) {
      return handedBack.contains(Graph.storage(t).data());
    }

    @Override
    public void recycle(float[] data) {
      handedBack.add(data);
      inner.recycle(data);
    }

    @Override
    public int recycleMinLength() {
      return inner.recycleMinLength();
    }
  }
}
