package dev.backflow.ops;

import dev.backflow.autograd.Graph;
import dev.backflow.backend.Backend;
import dev.backflow.backend.Backends;
import dev.backflow.tensor.Tensor;
import java.util.Arrays;

/** Selecting by index: index_select, gather and embedding lookup; their gradients scatter back with adds. */
public final class Indexing {
  private Indexing() {}

  private static Backend b() {
    return Backends.current();
  }

  // rows picked k times receive the sum of their k gradients
  public static Tensor indexSelect(Tensor x, int dim, int[] index) {
    int d = Checks.dim("indexSelect", x, dim);
    int[] shape = x.shape();
    int[] idx = index.clone();
    return Graph.record("indexSelect", b().indexing().indexSelect(Graph.array(x), d, idx),
        (g, n) -> new Tensor[] {indexAdd(g, shape, d, idx)}, x);
  }

  // The scatter that is indexSelect's gradient, as an op: linear in g, and its adjoint is indexSelect.
  private static Tensor indexAdd(Tensor g, int[] shape, int d, int[] idx) {
    return Graph.record("indexAdd", b().indexing().indexAdd(shape, d, idx, Graph.array(g)),
        (gg, n) -> new Tensor[] {indexSelect(gg, d, idx)}, g);
  }

  // gather's gradient, as an op: linear in g, and its adjoint is gather with the same index.
  private static Tensor scatterAdd(Tensor g, int[] shape, int d, Tensor idx) {
    return Graph.record("scatterAdd", b().indexing().scatterAdd(shape, d, Graph.array(idx), Graph.array(g)),
        (gg, n) -> new Tensor[] {gg.gather(d, idx)}, g);
  }

  public static Tensor indexSelect(Tensor x, int dim, Tensor index) {
    if (index.dim() > 1) {
      throw new IllegalArgumentException("indexSelect: index must be 0- or 1-dimensional, got shape "
          + Arrays.toString(index.shape()));
    }
    return indexSelect(x, dim, toIndices("indexSelect", index));
  }

  // out = x[..., index, ...] element-wise; the gradient is scatter-added back to where it came from
  public static Tensor gather(Tensor x, int dim, Tensor index) {
    int d = Checks.dim("gather", x, dim);
    if (index.dim() != x.dim()) {
      throw new IllegalArgumentException("gather: index must have as many dims as the input, got shapes "
          + Arrays.toString(index.shape()) + " and " + Arrays.toString(x.shape()));
    }
    int[] shape = x.shape();
    Tensor idx = index.detach();
    return Graph.record("gather", b().indexing().gather(Graph.array(x), d, Graph.array(idx)),
        (g, n) -> new Tensor[] {scatterAdd(g, shape, d, idx), null}, x, index);
  }

  /** Rows of {@code weight} [vocab, dim] at the given indices: the result has shape indices.shape + [dim]. */
  public static Tensor embedding(Tensor weight, Tensor indices) {
    Checks.rank("embedding", "weight", weight, 2);
    int[] idx = toIndices("embedding", indices);
    int vocab = weight.shape(0);
    for (int i : idx) {
      if (i < 0 || i >= vocab) {
        throw new IllegalArgumentException("embedding: index " + i + " is out of range for " + vocab + " embeddings");
      }
    }
    int[] outShape = Arrays.copyOf(indices.shape(), indices.dim() + 1);
    outShape[indices.dim()] = weight.shape(1);
    return indexSelect(weight, 0, idx).reshape(outShape);
  }

  /** Integer values of an index tensor, rejecting fractions, NaN and infinity by name. */
  public static int[] toIndices(String op, Tensor index) {
    int[] out;
    try {
      out = b().storage().readIndices(Graph.array(index));
    } catch (IllegalStateException e) {
      // A recording backend refuses: a replay would keep the indices read now (last batch's labels).
      throw new IllegalStateException(op + ": a captured step cannot read indices from a tensor (they would stay as "
          + "they are at capture); pass constant indices as int[], or run this step eagerly", e);
    }
    if (out == null) {
      for (float f : index.toArray()) {
        if (!Float.isFinite(f) || f != Math.rint(f)) throw new IllegalArgumentException(op + ": index " + f + " is not an integer");
      }
    }
    return out;
  }
}
