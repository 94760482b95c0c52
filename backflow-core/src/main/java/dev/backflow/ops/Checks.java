package dev.backflow.ops;

import dev.backflow.autograd.Graph;
import dev.backflow.backend.Shapes;
import dev.backflow.tensor.Tensor;
import java.util.Arrays;

/** Argument validation shared by ops; messages name the op and the shapes in the user's terms. */
final class Checks {
  private Checks() {}

  static void broadcast(String op, Tensor a, Tensor b) {
    if (Graph.storage(a).broadcastsWith(Graph.storage(b))) return;
    int[] sa = a.shape(), sb = b.shape();
    int rank = Math.max(sa.length, sb.length);
    for (int i = 1; i <= rank; i++) {
      int da = sa.length - i >= 0 ? sa[sa.length - i] : 1, db = sb.length - i >= 0 ? sb[sb.length - i] : 1;
      if (da != db && da != 1 && db != 1) {
        throw new IllegalArgumentException(op + ": shapes " + Arrays.toString(sa) + " and " + Arrays.toString(sb)
            + " do not broadcast (" + da + " ≠ " + db + " at dim -" + i + ")");
      }
    }
    throw new IllegalArgumentException(op + ": shapes " + Arrays.toString(sa) + " and " + Arrays.toString(sb)
        + " do not broadcast");
  }

  /** Distinct, normalized dims; null means all dims. */
  static boolean[] dimMask(String op, Tensor x, int[] dims) {
    int rank = x.dim();
    if (dims == null) return rank < ALL_DIMS.length ? ALL_DIMS[rank] : all(rank);
    boolean[] mask = new boolean[rank];
    for (int d : dims) {
      int n = dim(op, x, d);
      if (rank == 0) continue;
      if (mask[n]) throw new IllegalArgumentException(op + ": dimension " + d + " appears twice in " + Arrays.toString(dims));
      mask[n] = true;
    }
    return mask;
  }

  // "Every dim" masks, shared: a loss's sum() asks for one on every step, and no reduction writes to its mask.
  private static final boolean[][] ALL_DIMS = new boolean[9][];

  static {
    for (int r = 0; r < ALL_DIMS.length; r++) ALL_DIMS[r] = all(r);
  }

  private static boolean[] all(int rank) {
    boolean[] mask = new boolean[rank];
    Arrays.fill(mask, true);
    return mask;
  }

  static int dim(String op, Tensor x, int dim) {
    try {
      return dev.backflow.backend.Shapes.normalizeDim(dim, x.dim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(op + ": " + e.getMessage(), e);
    }
  }

  static void positive(String op, String what, int value) {
    if (value <= 0) throw new IllegalArgumentException(op + ": " + what + " must be positive, got " + value);
  }

  static void nonNegative(String op, String what, int value) {
    if (value < 0) throw new IllegalArgumentException(op + ": " + what + " must be non-negative, got " + value);
  }

  static void rank(String op, String what, Tensor t, int rank) {
    if (t.dim() != rank) {
      throw new IllegalArgumentException(op + ": " + what + " must have " + rank + " dimensions, got shape "
          + Arrays.toString(t.shape()));
    }
  }
}
