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
 * pins the arrays that must never be reused. When the pass has consumed the whole graph it also hands back the
 * intermediates modules and ops declared ({@link Graph#releaseAfterBackward}, {@link Graph#releaseSavedAfterBackward}).
 * Only plain backward passes use this: createGraph records the gradients into a graph of their own, and grad() returns
 * them.
 */
final class GradientBuffers {
  private final Backend backend;
  private final Graph.TensorAccess tensors;
  private final int minLength;
  /** The forward graph's tensors, whose arrays (and their nodes' inputs') are pinned when the first release comes. */
  private Tensor[] forward;
  private final int forwardSize;
  private IdentityHashMap<float[], int[]> holders; // made on first use: a small network's pass tracks no array
  private final IdentitySet<float[]> pinned = new IdentitySet<>();
  /** Arrays that left the pass (seeds, .grads, what hooks saw): never recycled, not even as released intermediates. */
  private final IdentitySet<float[]> kept = new IdentitySet<>();

  /**
   * A ledger for one pass, or null when {@code backend} recycles nothing or every tensor of the pass is shorter than
   * what it recycles (a small network's pass: then it keeps no books at all). A gradient has its tensor's shape, so a
   * pass of short tensors makes no gradient worth recycling either.
   *
   * @param backend the backend the pass's kernels run on
   * @param tensors the engine's access to tensors
   * @param forward the pass's tensors (the plan's order): their arrays and their nodes' inputs' are never recycled
   * @param forwardSize how many of {@code forward} are in use
   * @return the ledger, or null
   */
  static GradientBuffers forBackend(Backend backend, Graph.TensorAccess tensors, Tensor[] forward, int forwardSize) {
    int min = backend.recycleMinLength();
    if (min == Integer.MAX_VALUE) return null;
    for (int i = 0; i < forwardSize; i++) {
      if (forward[i].numel() >= min) {
        return new GradientBuffers(backend, tensors, min, forward, forwardSize);
      }
    }
    return null;
  }

  private GradientBuffers(Backend backend, Graph.TensorAccess tensors, int minLength, Tensor[] forward, int forwardSize) {
    this.backend = backend;
    this.tensors = tensors;
    this.minLength = minLength;
    this.forward = forward;
    this.forwardSize = forwardSize;
  }

  /** t's float array if it is long enough for the backend to keep; arrays it would not keep are not tracked at all. */
  private float[] data(Tensor t) {
    NdArray a = tensors.array(t);
    if (a == null || a.isIntegral()) return null;
    float[] d = a.data();
    return d.length < minLength ? null : d;
  }

  /** Never reuse t's array: a seed, an array that became a .grad or met a hook (it left the pass). */
  void pin(Tensor t) {
    float[] d = data(t);
    if (d != null) {
      pinned.add(d);
      kept.add(d);
    }
  }

  private void pinForward(Tensor t) {
    float[] d = data(t);
    if (d != null) pinned.add(d);
  }

  /**
   * Called when the pass is over, without retainGraph: if it freed every node below the roots, the storage of the
   * intermediates their modules declared releasable ({@link Graph#releaseAfterBackward}) goes back to the backend.
   * A node the pass did not free (no gradient reached it) may still run in a later pass, so then nothing is released.
   *
   * @param order the pass's tensors (the plan's order)
   * @param size how many of {@code order} are in use
   */
  void releaseIntermediates(Tensor[] order, int size) {
    for (int i = 0; i < size; i++) {
      Node node = order[i].gradFn();
      if (node != null && !node.isFreed()) return;
    }
    IdentitySet<float[]> released = new IdentitySet<>();
    for (int i = 0; i < size; i++) {
      Node node = order[i].gradFn();
      if (node == null) continue;
      releaseOnce(node.savedReleasable(), released);
      if (!node.isOutputReleasable()) continue;
      NdArray a = tensors.array(order[i]);
      // Only storage the tensor owns whole: a view's array is someone else's.
      if (a != null && !a.isIntegral() && a.isWholeStorage()) {
        releaseOnce(a.data(), released);
      }
    }
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
    release(d);
  }

  /** g, which no slot holds, is done with (added into a pending gradient): recycled if nothing holds or pins it. */
  void dropUnheld(Tensor g) {
    float[] d = data(g);
    if (d != null && (holders == null || !holders.containsKey(d))) release(d);
  }

  private void releaseOnce(float[] d, IdentitySet<float[]> released) {
    if (d != null && d.length >= minLength && !kept.contains(d) && released.add(d)) backend.recycle(d);
  }

  private void release(float[] d) {
    if (forward != null) {
      // First release of the pass: pin the forward graph now (a pass that never releases, a small network's, never
      // walks it). A rule still to run may return a forward tensor, or a view of one, as a gradient; the nodes freed
      // already have run their rules.
      Tensor[] f = forward;
      forward = null;
      for (int i = 0; i < forwardSize; i++) {
        pinForward(f[i]);
        Node node = f[i].gradFn();
        if (node != null && !node.isFreed()) for (Tensor in : node.inputs()) pinForward(in);
      }
    }
    if (!pinned.contains(d)) backend.recycle(d);
  }
}
