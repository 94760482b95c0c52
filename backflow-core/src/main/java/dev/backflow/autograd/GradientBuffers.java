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
  private final int minLength;
  private IdentityHashMap<float[], int[]> holders; // made on first use: a small network's pass tracks no array
  private final IdentitySet<float[]> pinned = new IdentitySet<>();

  /**
   * A ledger for one pass, or null when {@code backend} recycles nothing (then the pass keeps no books at all).
   *
   * @param backend the backend the pass's kernels run on
   * @param tensors the engine's access to tensors
   * @return the ledger, or null
   */
  static GradientBuffers forBackend(Backend backend, Graph.TensorAccess tensors) {
    int min = backend.recycleMinLength();
    return min == Integer.MAX_VALUE ? null : new GradientBuffers(backend, tensors, min);
  }

  private GradientBuffers(Backend backend, Graph.TensorAccess tensors, int minLength) {
    this.backend = backend;
    this.tensors = tensors;
    this.minLength = minLength;
  }

  /** t's float array if it is long enough for the backend to keep; arrays it would not keep are not tracked at all. */
  private float[] data(Tensor t) {
    NdArray a = tensors.array(t);
    if (a == null || a.isIntegral()) return null;
    float[] d = a.data();
    return d.length < minLength ? null : d;
  }

  /** Never reuse t's array: the forward graph's tensors and inputs, seeds, arrays that became a .grad or met a hook. */
  void pin(Tensor t) {
    float[] d = data(t);
    if (d != null) pinned.add(d);
  }

  /** A pending slot (or the gradient in hand) now holds g. */
  void hold(Tensor g) {
    float[] d = data(g);
    if (d == null) return;
    if (holders == null) holders = new IdentityHashMap<>();
    holders.computeIfAbsent(d, k -> new int[1])[0]++;
  }

  /** A holder of g let go of it: its array is recycled if nothing holds or pins it. */
  void drop(Tensor g) {
    float[] d = data(g);
    if (d == null || holders == null) return;
    int[] n = holders.get(d);
    if (n == null || --n[0] > 0) return;
    holders.remove(d);
    if (!pinned.contains(d)) backend.recycle(d);
  }

  /** g, which no slot holds, is done with (added into a pending gradient): recycled if nothing holds or pins it. */
  void dropUnheld(Tensor g) {
    float[] d = data(g);
    if (d != null && (holders == null || !holders.containsKey(d)) && !pinned.contains(d)) backend.recycle(d);
  }
}
