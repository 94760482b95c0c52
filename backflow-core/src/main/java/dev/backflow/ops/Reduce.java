package dev.backflow.ops;

import dev.backflow.autograd.Graph;
import dev.backflow.backend.Backend;
import dev.backflow.backend.Backends;
import dev.backflow.backend.BinaryOp;
import dev.backflow.backend.NdArray;
import dev.backflow.backend.ReduceOp;
import dev.backflow.tensor.Tensor;
import java.util.Arrays;

/** Sums, means, extrema and variance over all or chosen dims, with keepDim as in PyTorch. */
public final class Reduce {
  private Reduce() {}

  private static Backend b() {
    return Backends.current();
  }

  /** The input's shape with reduced dims set to 1: where a reduced gradient is re-broadcast from. */
  private static int[] keptShape(Tensor x, boolean[] mask) {
    int[] s = x.shape();
    for (int d = 0; d < s.length; d++) if (mask[d]) s[d] = 1;
    return s;
  }

  /**
   * Sum over the given dimensions; like {@code torch.sum(x, dims, keepdim)}.
   *
   * @param x input of any shape
   * @param dims the dimensions to reduce (negative values count from the end), or null for all of them
   * @param keepDim true to keep each reduced dimension with size 1, so the result broadcasts against {@code x}
   * @return the sums: {@code x}'s shape without (or with size 1 at) the reduced dimensions
   * @throws IllegalArgumentException if a dimension is out of range or appears twice
   */
  // d(sum)/dx_i = 1: the gradient is broadcast back over the reduced dims
  public static Tensor sum(Tensor x, int[] dims, boolean keepDim) {
    return sum(x, Checks.dimMask("sum", x, dims), keepDim);
  }

  private static Tensor sum(Tensor x, boolean[] mask, boolean keepDim) {
    // Broadcasting puts g's dims back on the right, so only reduced dims that are not leading need g reshaped first.
    boolean aligned = keepDim || isLeadingPrefix(mask);
    return Graph.record("sum", b().reductions().reduce(ReduceOp.SUM, Graph.array(x), mask, keepDim),
        (g, n) -> new Tensor[] {(aligned ? g : g.reshape(keptShape(x, mask))).expand(x.shape())}, x);
  }

  /** True when the masked dims are 0..k-1 for some k (none, some leading dims, or all of them). */
  private static boolean isLeadingPrefix(boolean[] mask) {
    int k = 0;
    while (k < mask.length && mask[k]) k++;
    for (int d = k; d < mask.length; d++) if (mask[d]) return false;
    return true;
  }

  /**
   * Mean over the given dimensions; like {@code torch.mean(x, dims, keepdim)}.
   *
   * @param x input of any shape
   * @param dims the dimensions to reduce (negative values count from the end), or null for all of them
   * @param keepDim true to keep each reduced dimension with size 1
   * @return the means: {@code x}'s shape without (or with size 1 at) the reduced dimensions
   * @throws IllegalArgumentException if a dimension is out of range or appears twice
   */
  public static Tensor mean(Tensor x, int[] dims, boolean keepDim) {
    boolean[] mask = Checks.dimMask("mean", x, dims);
    long count = 1;
    int[] s = x.shape();
    for (int d = 0; d < s.length; d++) if (mask[d]) count *= s[d];
    return sum(x, dims, keepDim).mul(1f / count);
  }

  /**
   * Maximum over the given dimensions (values only; see {@link #argmax} for positions); like {@code torch.amax}. The
   * gradient goes to the elements equal to the maximum, split evenly among ties.
   *
   * @param x input of any shape, not empty
   * @param dims the dimensions to reduce (negative values count from the end), or null for all of them
   * @param keepDim true to keep each reduced dimension with size 1
   * @return the maxima: {@code x}'s shape without (or with size 1 at) the reduced dimensions
   * @throws IllegalArgumentException if {@code x} is empty, or a dimension is out of range or appears twice
   */
  // the gradient goes to the elements equal to the extremum, split evenly among ties
  public static Tensor max(Tensor x, int[] dims, boolean keepDim) {
    return extremum("max", ReduceOp.MAX, x, dims, keepDim);
  }

  /**
   * Minimum over the given dimensions (values only; see {@link #argmin} for positions); like {@code torch.amin}. The
   * gradient goes to the elements equal to the minimum, split evenly among ties.
   *
   * @param x input of any shape, not empty
   * @param dims the dimensions to reduce (negative values count from the end), or null for all of them
   * @param keepDim true to keep each reduced dimension with size 1
   * @return the minima: {@code x}'s shape without (or with size 1 at) the reduced dimensions
   * @throws IllegalArgumentException if {@code x} is empty, or a dimension is out of range or appears twice
   */
  public static Tensor min(Tensor x, int[] dims, boolean keepDim) {
    return extremum("min", ReduceOp.MIN, x, dims, keepDim);
  }

  private static Tensor extremum(String name, ReduceOp op, Tensor x, int[] dims, boolean keepDim) {
    boolean[] mask = Checks.dimMask(name, x, dims);
    if (x.numel() == 0) {
      throw new IllegalArgumentException(name + ": cannot reduce an empty tensor of shape " + Arrays.toString(x.shape()));
    }
    int[] kept = keptShape(x, mask);
    Tensor[] out = new Tensor[1];
    out[0] = Graph.record(name, b().reductions().reduce(op, Graph.array(x), mask, keepDim), (g, n) -> {
      Tensor hit = Graph.constant(b().elementwise().binary(BinaryOp.EQ, Graph.array(x), Graph.array(out[0]).reshapeContiguous(kept)));
      Tensor count = hit.sum(dimsOf(mask), true);
      return new Tensor[] {hit.mul(g.reshape(kept).div(count))};
    }, x);
    return out[0];
  }

  private static int[] dimsOf(boolean[] mask) {
    return java.util.stream.IntStream.range(0, mask.length).filter(d -> mask[d]).toArray();
  }

  /**
   * Variance {@code Σ (x - mean)² / (N - correction)} over the given dimensions; like
   * {@code torch.var(x, dims, correction=correction, keepdim=keepDim)}.
   *
   * @param x input of any shape
   * @param dims the dimensions to reduce (negative values count from the end), or null for all of them
   * @param correction 1 for the unbiased (sample) variance, PyTorch's default; 0 for the population variance
   * @param keepDim true to keep each reduced dimension with size 1
   * @return the variances: {@code x}'s shape without (or with size 1 at) the reduced dimensions; infinite or NaN when
   *     {@code N <= correction}
   * @throws IllegalArgumentException if a dimension is out of range or appears twice
   */
  // var = Σ (x - mean)^2 / (N - correction): composed of differentiable ops, so its gradient is free
  public static Tensor var(Tensor x, int[] dims, int correction, boolean keepDim) {
    boolean[] mask = Checks.dimMask("var", x, dims);
    long count = 1;
    int[] s = x.shape();
    for (int d = 0; d < s.length; d++) if (mask[d]) count *= s[d];
    int[] all = dimsOf(mask);
    Tensor centered = x.sub(x.mean(all, true));
    return centered.mul(centered).sum(all, keepDim).mul(1f / Math.max(0, count - correction));
  }

  /**
   * Indices of maxima as an INT64 tensor (as PyTorch), no gradient; dim null means over the flattened tensor.
   * Like {@code torch.argmax(x, dim, keepdim)}.
   *
   * @param x input of any shape
   * @param dim the dimension to search along (negative values count from the end), or null for the flattened tensor
   * @param keepDim true to keep {@code dim} with size 1 (ignored when {@code dim} is null)
   * @return the positions of the first maxima along {@code dim}, or one position in the flattened tensor
   * @throws IllegalArgumentException if {@code dim} is out of range
   */
  public static Tensor argmax(Tensor x, Integer dim, boolean keepDim) {
    return arg("argmax", ReduceOp.MAX, x, dim, keepDim);
  }

  /**
   * Indices of minima along a dimension, as an INT64 tensor (as PyTorch), no gradient; like
   * {@code torch.argmin(x, dim, keepdim)}.
   *
   * @param x input of any shape
   * @param dim the dimension to search along; negative values count from the end
   * @param keepDim true to keep {@code dim} with size 1
   * @return the positions of the first minima along {@code dim}
   * @throws IllegalArgumentException if {@code dim} is out of range
   */
  public static Tensor argmin(Tensor x, int dim, boolean keepDim) {
    return arg("argmin", ReduceOp.MIN, x, dim, keepDim);
  }

  private static Tensor arg(String name, ReduceOp op, Tensor x, Integer dim, boolean keepDim) {
    if (dim == null) {
      Tensor flat = x.detach().reshape(x.numel());
      return Graph.record(name, b().storage().toInt64(b().reductions().argReduce(op, Graph.array(flat), 0, false)), null, x);
    }
    int d = Checks.dim(name, x, dim);
    if (x.dim() == 0) return Graph.constant(b().storage().fullInt64(new int[0], 0));
    return Graph.record(name, b().storage().toInt64(b().reductions().argReduce(op, Graph.array(x), d, keepDim)), null, x);
  }

  /**
   * Sums a broadcast result back to {@code shape}: over leading extra dims and dims that were 1.
   * This is how a gradient reaches an input that was broadcast.
   *
   * @param g the broadcast tensor, for example a gradient
   * @param shape the shape to sum down to; it must broadcast to {@code g}'s shape
   * @return {@code g} itself if it already has {@code shape}, otherwise a new tensor of {@code shape}
   * @throws IllegalArgumentException if {@code shape} does not broadcast to {@code g}'s shape
   */
  public static Tensor sumTo(Tensor g, int[] shape) {
    NdArray ga = Graph.storage(g);
    if (ga.hasShape(shape)) return g;
    int rank = ga.rank(), lead = rank - shape.length;
    if (lead < 0) {
      throw new IllegalArgumentException("sumTo: cannot sum shape " + Arrays.toString(g.shape()) + " down to "
          + Arrays.toString(shape));
    }
    boolean[] mask = new boolean[rank];
    boolean any = false, onlyLeading = true;
    for (int d = 0; d < rank; d++) {
      if (d < lead || (shape[d - lead] == 1 && ga.shape(d) != 1)) {
        mask[d] = any = true;
        onlyLeading &= d < lead;
      } else if (shape[d - lead] != ga.shape(d)) {
        throw new IllegalArgumentException("sumTo: cannot sum shape " + Arrays.toString(g.shape()) + " down to "
            + Arrays.toString(shape));
      }
    }
    // Summing away only the leading dims (a bias's gradient) gives the target shape directly.
    if (onlyLeading && any) return sum(g, mask, false);
    return (any ? sum(g, mask, true) : g).reshape(shape);
  }
}
