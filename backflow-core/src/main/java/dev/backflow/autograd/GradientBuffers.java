package dev.backflow.autograd;

import dev.backflow.backend.Backend;
import dev.backflow.backend.NdArray;
import dev.backflow.tensor.Tensor;
import java.util.IdentityHashMap;

/**
 * Which gradient arrays of a backward pass are dead, so the backend may reuse them ({@link Backend#recycle}). A
 * gradient that reached a tensor is consumed when that tensor's node has run its rule; its array is dead then unless
 * something else still holds it: another pending gradient (add's rule hands the same gradient to both inputs, a
 * reshape's rule a view of it), a leaf's or retained .grad, a hook, or the forward graph itself (a rule may return a
 * forward tensor). So the engine counts, per array, the pending gradients and the gradient in hand that use it, and
 * pins the arrays that must never be reused. Only plain backward passes use this: createGraph records the gradients
 * into a graph of their own, and grad() returns them.
 */
final class GradientBuffers {
  private final Backend backend;
  private final Graph.TensorAccess tensors;
  private final IdentityHashMap<float[], int[]> holders = new IdentityHashMap<>();
  private final IdentitySet<float[]> pinned = new IdentitySet<>();

  GradientBuffers(Backend backend, Graph.TensorAccess tensors) {
    this.backend = backend;
    this.tensors = tensors;
  }

  private float[] data(Tensor t) {
    NdArray a = tensors.array(t);
    return a == null || a.isIntegral() ? null : a.data();
  }

  /** Never reuse t's array: the forward graph's tensors and inputs, seeds, arrays that became a .grad or met a hook. */
  void pin(Tensor t) {
    float[] d = data(t);
    if (d != null) pinned.add(d);
  }

  /** A pending slot (or the gradient in hand) now holds g. */
  void hold(Tensor g) {
    float[] d = data(g);
    if (d != null) holders.computeIfAbsent(d, k -> new int[1])[0]++;
  }

  /** A holder of g let go of it: its array is recycled if nothing holds or pins it. */
  void drop(Tensor g) {
    float[] d = data(g);
    if (d == null) return;
    int[] n = holders.get(d);
    if (n == null || --n[0] > 0) return;
    holders.remove(d);
    if (!pinned.contains(d)) backend.recycle(d);
  }

  /** g, which no slot holds, is done with (added into a pending gradient): recycled if nothing holds or pins it. */
  void dropUnheld(Tensor g) {
    float[] d = data(g);
    if (d != null && !holders.containsKey(d) && !pinned.contains(d)) backend.recycle(d);
  }
}
