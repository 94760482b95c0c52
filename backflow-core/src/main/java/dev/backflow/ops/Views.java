package dev.backflow.ops;

import dev.backflow.autograd.Graph;
import dev.backflow.backend.Backends;
import dev.backflow.backend.NdArray;
import dev.backflow.backend.Shapes;
import dev.backflow.tensor.Tensor;
import java.util.Arrays;

/**
 * Shape ops. Where the strides can express the result these are views sharing storage (no copy), as in
 * PyTorch; their backward rules move the gradient back to the input's layout.
 */
public final class Views {
  private Views() {}

  /** Resolves one -1 and checks the element count. */
  static int[] inferShape(String op, Tensor x, int[] shape) {
    int[] s = shape.clone();
    int infer = -1;
    long known = 1;
    for (int i = 0; i < s.length; i++) {
      if (s[i] == -1) {
        if (infer >= 0) throw new IllegalArgumentException(op + ": only one dimension can be -1, got " + Arrays.toString(shape));
        infer = i;
      } else if (s[i] < 0) {
        throw new IllegalArgumentException(op + ": invalid size " + s[i] + " in shape " + Arrays.toString(shape));
      } else {
        known *= s[i];
      }
    }
    if (infer >= 0) {
      if (known == 0 || x.numel() % known != 0) {
        throw new IllegalArgumentException(op + ": shape " + Arrays.toString(shape) + " is invalid for a tensor of "
            + x.numel() + " elements (shape " + Arrays.toString(x.shape()) + ")");
      }
      s[infer] = (int) (x.numel() / known);
    } else if (known != x.numel()) {
      throw new IllegalArgumentException(op + ": shape " + Arrays.toString(shape) + " (" + known
          + " elements) is invalid for a tensor of shape " + Arrays.toString(x.shape()) + " (" + x.numel() + " elements)");
    }
    return s;
  }

  /**
   * Same elements in a new shape, in row-major order; like {@code torch.reshape}. A view sharing storage where the
   * strides allow it, a copy otherwise.
   *
   * @param x input of any shape
   * @param shape the new shape; one entry may be -1, inferred from the element count
   * @return a tensor of {@code shape}, possibly sharing storage with {@code x}
   * @throws IllegalArgumentException if the element counts differ, more than one entry is -1, or an entry is negative
   */
  public static Tensor reshape(Tensor x, int[] shape) {
    int[] s = inferShape("reshape", x, shape);
    NdArray v = Graph.storage(x).tryView(s);
    if (v == null) v = Backends.current().storage().copy(Graph.storage(x)).reshapeContiguous(s);
    return Graph.record("reshape", v, (g, n) -> new Tensor[] {g.reshape(x.shape())}, x);
  }

  /**
   * Same elements in a new shape, always sharing storage; like {@code Tensor.view} in PyTorch. Use
   * {@link #reshape} when {@code x} may not be contiguous.
   *
   * @param x input of any shape
   * @param shape the new shape; one entry may be -1, inferred from the element count
   * @return a view of {@code x} with {@code shape}
   * @throws IllegalArgumentException if the element counts differ, or the new shape cannot be expressed with
   *     {@code x}'s strides (for example after a transpose)
   */
  public static Tensor view(Tensor x, int[] shape) {
    int[] s = inferShape("view", x, shape);
    int[] in = x.shape();
    NdArray v = Graph.storage(x).tryView(s);
    if (v == null) {
      throw new IllegalArgumentException("view: shape " + Arrays.toString(s) + " is not compatible with the strides "
          + Arrays.toString(Graph.storage(x).strides()) + " of this " + Arrays.toString(in)
          + " tensor (it is not contiguous); use reshape(), which copies when it must");
    }
    return Graph.record("view", v, (g, n) -> new Tensor[] {g.reshape(in)}, x);
  }

  /**
   * Merges the dimensions {@code startDim..endDim} (inclusive) into one; like
   * {@code torch.flatten(x, startDim, endDim)}. A scalar becomes {@code [1]}.
   *
   * @param x input of any shape
   * @param startDim the first dimension to merge; negative values count from the end
   * @param endDim the last dimension to merge; negative values count from the end
   * @return a tensor with the merged dimension's size the product of the merged sizes (a view where possible)
   * @throws IllegalArgumentException if a dimension is out of range or {@code startDim} comes after {@code endDim}
   */
  public static Tensor flatten(Tensor x, int startDim, int endDim) {
    if (x.dim() == 0) return reshape(x, new int[] {1});
    int s = Checks.dim("flatten", x, startDim), e = Checks.dim("flatten", x, endDim);
    if (s > e) throw new IllegalArgumentException("flatten: startDim " + startDim + " comes after endDim " + endDim);
    int[] in = x.shape();
    int[] out = new int[in.length - (e - s)];
    int k = 0;
    for (int d = 0; d < s; d++) out[k++] = in[d];
    int m = 1;
    for (int d = s; d <= e; d++) m *= in[d];
    out[k++] = m;
    for (int d = e + 1; d < in.length; d++) out[k++] = in[d];
    return reshape(x, out);
  }

  /**
   * Removes every dimension of size 1; like {@code torch.squeeze(x)}.
   *
   * @param x input of any shape
   * @return a tensor with the same elements and no dimension of size 1
   */
  public static Tensor squeeze(Tensor x) {
    int[] in = x.shape();
    int[] out = Arrays.stream(in).filter(s -> s != 1).toArray();
    return reshape(x, out);
  }

  /**
   * Removes one dimension if its size is 1, as a view; like {@code torch.squeeze(x, dim)}.
   *
   * @param x input of any shape
   * @param dim the dimension to remove; negative values count from the end
   * @return {@code x} itself if that dimension's size is not 1 (or {@code x} is a scalar), otherwise a view without it
   * @throws IllegalArgumentException if {@code dim} is out of range
   */
  public static Tensor squeeze(Tensor x, int dim) {
    if (x.dim() == 0) return x;
    int d = Checks.dim("squeeze", x, dim);
    if (x.shape(d) != 1) return x;
    int[] in = x.shape();
    return Graph.record("squeeze", Graph.storage(x).squeeze(d), (g, n) -> new Tensor[] {g.reshape(in)}, x);
  }

  /**
   * Inserts a dimension of size 1, as a view; like {@code torch.unsqueeze(x, dim)}.
   *
   * @param x input of any shape
   * @param dim the new dimension's position in the result, from {@code -(rank + 1)} to {@code rank}
   * @return a view with one more dimension
   * @throws IllegalArgumentException if {@code dim} is out of range
   */
  public static Tensor unsqueeze(Tensor x, int dim) {
    int rank = x.dim() + 1;
    int d = dim < 0 ? dim + rank : dim;
    if (d < 0 || d >= rank) {
      throw new IllegalArgumentException("unsqueeze: dimension " + dim + " is out of range for a result of " + rank
          + " dimensions (expected " + (-rank) + " to " + (rank - 1) + ")");
    }
    int[] in = x.shape();
    return Graph.record("unsqueeze", Graph.storage(x).unsqueeze(d), (g, n) -> new Tensor[] {g.reshape(in)}, x);
  }

  /**
   * Swaps two dimensions, as a view (no copy); like {@code torch.transpose(x, d0, d1)}.
   *
   * @param x input of any shape
   * @param d0 one dimension; negative values count from the end
   * @param d1 the other dimension; negative values count from the end
   * @return a view with dimensions {@code d0} and {@code d1} swapped ({@code x} itself below rank 2)
   * @throws IllegalArgumentException if a dimension is out of range
   */
  public static Tensor transpose(Tensor x, int d0, int d1) {
    if (x.dim() < 2 && x.dim() > 0) {
      Checks.dim("transpose", x, d0);
      Checks.dim("transpose", x, d1);
      return x;
    }
    if (x.dim() == 0) return x;
    int a = Checks.dim("transpose", x, d0), c = Checks.dim("transpose", x, d1);
    return Graph.record("transpose", Graph.storage(x).transpose(a, c), (g, n) -> new Tensor[] {g.transpose(a, c)}, x);
  }

  /**
   * Reorders all dimensions, as a view (no copy); like {@code torch.permute(x, dims)}: dimension {@code i} of the result
   * is dimension {@code dims[i]} of {@code x}.
   *
   * @param x input of any shape
   * @param dims a permutation of {@code x}'s dimensions; negative values count from the end
   * @return a view with the dimensions reordered
   * @throws IllegalArgumentException if {@code dims} does not name each dimension exactly once
   */
  public static Tensor permute(Tensor x, int[] dims) {
    int rank = x.dim();
    if (dims.length != rank) {
      throw new IllegalArgumentException("permute: " + dims.length + " dims given for a tensor of " + rank
          + " dimensions (shape " + Arrays.toString(x.shape()) + ")");
    }
    int[] p = new int[rank];
    boolean[] used = new boolean[rank];
    for (int i = 0; i < rank; i++) {
      p[i] = Checks.dim("permute", x, dims[i]);
      if (used[p[i]]) throw new IllegalArgumentException("permute: dimension " + dims[i] + " repeats in " + Arrays.toString(dims));
      used[p[i]] = true;
    }
    int[] inverse = new int[rank];
    for (int i = 0; i < rank; i++) inverse[p[i]] = i;
    return Graph.record("permute", Graph.storage(x).permute(p), (g, n) -> new Tensor[] {g.permute(inverse)}, x);
  }

  /**
   * Broadcasts to {@code shape} with stride 0 (no copy); -1 keeps a dim. Backward sums the copies.
   * Like {@code Tensor.expand} in PyTorch.
   *
   * @param x input whose shape broadcasts to {@code shape} (sizes 1 grow; new dimensions are added in front)
   * @param shape the target shape; -1 keeps the corresponding size of {@code x}
   * @return {@code x} itself if the shape is unchanged, otherwise a view of {@code shape}
   * @throws IllegalArgumentException if {@code x}'s shape cannot be broadcast to {@code shape}
   */
  public static Tensor expand(Tensor x, int[] shape) {
    int[] in = x.shape();
    if (shape.length < in.length) {
      throw new IllegalArgumentException("expand: target " + Arrays.toString(shape) + " has fewer dims than "
          + Arrays.toString(in));
    }
    int[] target = shape.clone();
    int lead = shape.length - in.length;
    for (int i = 0; i < target.length; i++) {
      int src = i - lead;
      if (target[i] == -1) {
        if (src < 0) throw new IllegalArgumentException("expand: -1 is not allowed for a new leading dim, got " + Arrays.toString(shape));
        target[i] = in[src];
      }
      if (src >= 0 && in[src] != 1 && in[src] != target[i]) {
        throw new IllegalArgumentException("expand: the size " + in[src] + " at dim " + src + " of shape " + Arrays.toString(in)
            + " must match " + target[i] + " in " + Arrays.toString(shape) + " (only size-1 dims can expand)");
      }
      if (target[i] < 0) throw new IllegalArgumentException("expand: invalid size " + target[i] + " in " + Arrays.toString(shape));
    }
    if (Arrays.equals(target, in)) return x;
    return Graph.record("expand", Graph.storage(x).expand(target), (g, n) -> new Tensor[] {g.sumTo(in)}, x);
  }

  /**
   * x[..., start:end:step, ...] along dim, a view; negative start/end count from the end.
   * Like {@code x[..., start:end:step]} in PyTorch; bounds past either end are clipped, as in Python.
   *
   * @param x input of any shape
   * @param dim the dimension to slice; negative values count from the end
   * @param start the first position (inclusive)
   * @param end the position to stop before (exclusive)
   * @param step the stride between kept positions, positive
   * @return a view with {@code ceil((end - start) / step)} positions along {@code dim} (0 if the range is empty)
   * @throws IllegalArgumentException if {@code dim} is out of range or {@code step} is not positive
   */
  public static Tensor slice(Tensor x, int dim, int start, int end, int step) {
    int d = Checks.dim("slice", x, dim);
    if (step <= 0) throw new IllegalArgumentException("slice: step must be positive, got " + step);
    int size = x.shape(d);
    int s = start < 0 ? start + size : start, e = end < 0 ? end + size : end;
    s = Math.max(0, Math.min(s, size));
    e = Math.max(s, Math.min(e, size));
    int len = (e - s + step - 1) / step;
    int[] in = x.shape();
    int from = s;
    return Graph.record("slice", Graph.storage(x).slice(d, s, len, step),
        (g, n) -> new Tensor[] {Joins.embed(g, in, d, from, step)}, x);
  }

  /**
   * Picks one position along a dimension and drops that dimension, as a view; like {@code x.select(dim, index)} or
   * {@code x[..., index]} in PyTorch.
   *
   * @param x input with at least one dimension
   * @param dim the dimension to index; negative values count from the end
   * @param index the position; negative values count from the end
   * @return a view with one dimension fewer
   * @throws IllegalArgumentException if {@code dim} is out of range
   * @throws IndexOutOfBoundsException if {@code index} is out of range
   */
  public static Tensor select(Tensor x, int dim, int index) {
    int d = Checks.dim("select", x, dim);
    int size = x.shape(d);
    int i = index < 0 ? index + size : index;
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException("select: index " + index + " is out of range for dimension " + dim
          + " of size " + size);
    }
    return squeeze(slice(x, d, i, i + 1, 1), d);
  }

  /**
   * Makes a tensor's elements lie in row-major order in memory; like {@code Tensor.contiguous} in PyTorch.
   *
   * @param x input of any shape
   * @return {@code x} itself if already contiguous, otherwise a contiguous copy
   */
  public static Tensor contiguous(Tensor x) {
    if (x.isContiguous()) return x;
    return Graph.record("contiguous", Backends.current().storage().copy(Graph.storage(x)), (g, n) -> new Tensor[] {g}, x);
  }

  static int[] shapeWith(int[] shape, int dim, int size) {
    int[] s = shape.clone();
    s[dim] = size;
    Shapes.numel(s);
    return s;
  }
}
