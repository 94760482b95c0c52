package dev.backflow.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.backflow.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Test inputs for the op tests: values drawn from a seed, value families that keep finite differences
 * valid (positive, away from zero, distinct), broadcast-compatible shape pairs and non-contiguous layouts.
 */
final class Gen {
  private Gen() {}

  /** Uniform values in [-2, 2): for smooth ops. */
  static Tensor smooth(SplittableRandom r, int... shape) {
    return uniform(r, -2f, 2f, shape);
  }

  static Tensor uniform(SplittableRandom r, float lo, float hi, int... shape) {
    float[] v = new float[numel(shape)];
    for (int i = 0; i < v.length; i++) v[i] = lo + (float) r.nextDouble() * (hi - lo);
    return Tensor.of(v, shape).requiresGrad(true);
  }

  /** Values in [0.5, 2): for sqrt, log, fractional powers and the like. */
  static Tensor positive(SplittableRandom r, int... shape) {
    return uniform(r, 0.5f, 2f, shape);
  }

  /** |values| in [0.5, 2) with random signs: safe denominators. */
  static Tensor awayFromZero(SplittableRandom r, int... shape) {
    float[] v = new float[numel(shape)];
    for (int i = 0; i < v.length; i++) v[i] = (float) (0.5 + 1.5 * r.nextDouble()) * (r.nextBoolean() ? 1 : -1);
    return Tensor.of(v, shape).requiresGrad(true);
  }

  /**
   * Distinct values for ops with kinks and ties: a shuffled grid {..., -0.15, -0.05, 0.05, 0.15, ...}. Every
   * value is at least 0.05 from zero, from any multiple of 0.1 (so from clamp bounds placed there), and 0.1
   * from every other value, while GradCheck's step is 0.01·max(1, |x|): no nudge crosses a kink or a tie.
   * All tensors returned by one call draw from one grid, so values are distinct across them too.
   */
  static Tensor[] distinct(SplittableRandom r, int[]... shapes) {
    int total = 0;
    for (int[] s : shapes) total += numel(s);
    float[] grid = new float[total];
    for (int k = 0; k < total; k++) grid[k] = (float) ((k - total / 2) * 0.1 + 0.05);
    for (int k = total - 1; k > 0; k--) {
      int j = r.nextInt(k + 1);
      float t = grid[k];
      grid[k] = grid[j];
      grid[j] = t;
    }
    Tensor[] out = new Tensor[shapes.length];
    int at = 0;
    for (int i = 0; i < shapes.length; i++) {
      int n = numel(shapes[i]);
      out[i] = Tensor.of(Arrays.copyOfRange(grid, at, at + n), shapes[i]).requiresGrad(true);
      at += n;
    }
    return out;
  }

  static Tensor distinct(SplittableRandom r, int... shape) {
    return distinct(r, new int[][] {shape})[0];
  }

  static int numel(int[] shape) {
    int n = 1;
    for (int s : shape) n *= s;
    return n;
  }

  /** A shape of the given rank with sizes in [lo, hi]. */
  static int[] shape(SplittableRandom r, int rank, int lo, int hi) {
    int[] s = new int[rank];
    for (int i = 0; i < rank; i++) s[i] = lo + r.nextInt(hi - lo + 1);
    return s;
  }

  /**
   * Two shapes that broadcast together: a random result shape (rank 0-4, sizes 1-3); each operand drops
   * some leading dims and turns some sizes into 1.
   */
  static int[][] broadcastPair(SplittableRandom r) {
    int[] out = shape(r, r.nextInt(5), 1, 3);
    return new int[][] {operandOf(r, out), operandOf(r, out)};
  }

  static int[] operandOf(SplittableRandom r, int[] out) {
    int drop = out.length == 0 ? 0 : r.nextInt(out.length + 1);
    int[] s = Arrays.copyOfRange(out, drop, out.length);
    for (int i = 0; i < s.length; i++) if (r.nextInt(3) == 0) s[i] = 1;
    return s;
  }

  /** NumPy's broadcasting rule, written out independently of the library. */
  static int[] numpyBroadcast(int[] a, int[] b) {
    int rank = Math.max(a.length, b.length);
    int[] out = new int[rank];
    for (int i = 1; i <= rank; i++) {
      int da = i <= a.length ? a[a.length - i] : 1;
      int db = i <= b.length ? b[b.length - i] : 1;
      if (da != db && da != 1 && db != 1) return null;
      out[rank - i] = da == 1 ? db : da;
    }
    return out;
  }

  // ------------------------------------------------------------------ layouts

  /** How an op's operand is laid out in memory: made inside the checked function from a contiguous leaf. */
  enum Layout {
    CONTIGUOUS, TRANSPOSED, STEP_SLICED, EXPANDED, PERMUTED;

    /** The layout actually used for a shape: falls back to one the rank allows. */
    Layout forShape(int[] shape) {
      int rank = shape.length;
      if (rank == 0) return CONTIGUOUS;
      if (this == PERMUTED && rank < 3) return rank == 2 ? TRANSPOSED : STEP_SLICED;
      if (this == TRANSPOSED && rank < 2) return STEP_SLICED;
      if (this == EXPANDED && shape[0] < 2) return STEP_SLICED;
      return this;
    }

    /** The shape of the contiguous leaf from which {@link #view} makes an operand of {@code shape}. */
    int[] leafShape(int[] shape) {
      int[] s = shape.clone();
      switch (forShape(shape)) {
        case TRANSPOSED: {
          int r = s.length;
          s[r - 1] = shape[r - 2];
          s[r - 2] = shape[r - 1];
          return s;
        }
        case STEP_SLICED:
          s[0] = 2 * shape[0] + 1;
          return s;
        case EXPANDED:
          s[0] = 1;
          return s;
        case PERMUTED: {
          // leaf dims rotated left by one: leaf = [s1, ..., s_{r-1}, s0]
          int r = s.length;
          for (int i = 0; i < r; i++) s[i] = shape[(i + 1) % r];
          return s;
        }
        default:
          return s;
      }
    }

    /** The operand: a view of {@code leaf} with logical shape {@code shape}, non-contiguous unless CONTIGUOUS. */
    Tensor view(Tensor leaf, int[] shape) {
      Layout l = forShape(shape);
      Tensor v;
      switch (l) {
        case TRANSPOSED: v = leaf.transpose(-1, -2); break;
        case STEP_SLICED: v = leaf.slice(0, 1, leaf.shape(0), 2); break;
        case EXPANDED: v = leaf.expand(shape); break;
        case PERMUTED: {
          int r = shape.length;
          int[] perm = new int[r];
          perm[0] = r - 1;
          for (int i = 1; i < r; i++) perm[i] = i - 1;
          v = leaf.permute(perm);
          break;
        }
        default: v = leaf;
      }
      assertArrayEquals(shape, v.shape(), "layout " + l + " made the wrong shape");
      if (surelyStrided(shape, l)) {
        assertFalse(v.isContiguous(), "layout " + l + " should give a non-contiguous view of " + Arrays.toString(shape));
      }
      return v;
    }

    /** Whether the layout must give a non-contiguous view (size-1 dims can make a view contiguous anyway). */
    private static boolean surelyStrided(int[] shape, Layout l) {
      int r = shape.length;
      switch (l) {
        case EXPANDED: case STEP_SLICED: return shape[0] > 1;
        case TRANSPOSED: return shape[r - 1] > 1 && shape[r - 2] > 1;
        case PERMUTED: return shape[0] > 1 && numel(shape) > shape[0];
        default: return false;
      }
    }
  }

  /** All subsets of {0..rank-1} are equally likely; null stands for "all dims". Negative dims appear too. */
  static int[] dimsSubset(SplittableRandom r, int rank) {
    if (rank == 0 || r.nextInt(4) == 0) return null;
    List<Integer> dims = new ArrayList<>();
    for (int d = 0; d < rank; d++) if (r.nextBoolean()) dims.add(r.nextBoolean() ? d : d - rank);
    if (dims.isEmpty()) dims.add(r.nextInt(rank));
    return dims.stream().mapToInt(Integer::intValue).toArray();
  }
}
