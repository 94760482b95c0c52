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

  public static Tensor reshape(Tensor x, int[] shape) {
    int[] s = inferShape("reshape", x, shape);
    int[] in = x.shape();
    NdArray v = Graph.array(x).tryView(s);
    if (v == null) v = Backends.current().storage().copy(Graph.array(x)).reshapeContiguous(s);
    return Graph.record("reshape", v, (g, n) -> new Tensor[] {g.reshape(in)}, x);
  }

  public static Tensor view(Tensor x, int[] shape) {
    int[] s = inferShape("view", x, shape);
    int[] in = x.shape();
    NdArray v = Graph.array(x).tryView(s);
    if (v == null) {
      throw new IllegalArgumentException("view: shape " + Arrays.toString(s) + " is not compatible with the strides "
          + Arrays.toString(Graph.array(x).strides()) + " of this " + Arrays.toString(in)
          + " tensor (it is not contiguous); use reshape(), which copies when it must");
    }
    return Graph.record("view", v, (g, n) -> new Tensor[] {g.reshape(in)}, x);
  }

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

  public static Tensor squeeze(Tensor x) {
    int[] in = x.shape();
    int[] out = Arrays.stream(in).filter(s -> s != 1).toArray();
    return reshape(x, out);
  }

  public static Tensor squeeze(Tensor x, int dim) {
    if (x.dim() == 0) return x;
    int d = Checks.dim("squeeze", x, dim);
    if (x.shape(d) != 1) return x;
    int[] in = x.shape();
    return Graph.record("squeeze", Graph.array(x).squeeze(d), (g, n) -> new Tensor[] {g.reshape(in)}, x);
  }

  public static Tensor unsqueeze(Tensor x, int dim) {
    int rank = x.dim() + 1;
    int d = dim < 0 ? dim + rank : dim;
    if (d < 0 || d >= rank) {
      throw new IllegalArgumentException("unsqueeze: dimension " + dim + " is out of range for a result of " + rank
          + " dimensions (expected " + (-rank) + " to " + (rank - 1) + ")");
    }
    int[] in = x.shape();
    return Graph.record("unsqueeze", Graph.array(x).unsqueeze(d), (g, n) -> new Tensor[] {g.reshape(in)}, x);
  }

  public static Tensor transpose(Tensor x, int d0, int d1) {
    if (x.dim() < 2 && x.dim() > 0) {
      Checks.dim("transpose", x, d0);
      Checks.dim("transpose", x, d1);
      return x;
    }
    if (x.dim() == 0) return x;
    int a = Checks.dim("transpose", x, d0), c = Checks.dim("transpose", x, d1);
    return Graph.record("transpose", Graph.array(x).transpose(a, c), (g, n) -> new Tensor[] {g.transpose(a, c)}, x);
  }

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
    return Graph.record("permute", Graph.array(x).permute(p), (g, n) -> new Tensor[] {g.permute(inverse)}, x);
  }

  /** Broadcasts to {@code shape} with stride 0 (no copy); -1 keeps a dim. Backward sums the copies. */
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
    return Graph.record("expand", Graph.array(x).expand(target), (g, n) -> new Tensor[] {g.sumTo(in)}, x);
  }

  /** x[..., start:end:step, ...] along dim, a view; negative start/end count from the end. */
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
    return Graph.record("slice", Graph.array(x).slice(d, s, len, step),
        (g, n) -> new Tensor[] {Joins.embed(g, in, d, from, step)}, x);
  }

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

  public static Tensor contiguous(Tensor x) {
    if (x.isContiguous()) return x;
    return Graph.record("contiguous", Backends.current().storage().copy(Graph.array(x)), (g, n) -> new Tensor[] {g}, x);
  }

  static int[] shapeWith(int[] shape, int dim, int size) {
    int[] s = shape.clone();
    s[dim] = size;
    Shapes.numel(s);
    return s;
  }
}
