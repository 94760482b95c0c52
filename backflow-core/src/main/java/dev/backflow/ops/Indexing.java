package dev.backflow.ops;

import dev.backflow.autograd.Graph;
import dev.backflow.backend.Backend;
import dev.backflow.backend.Backends;
import dev.backflow.tensor.DType;
import dev.backflow.tensor.Tensor;
import java.util.Arrays;

/** Selecting by index: index_select, gather and embedding lookup; their gradients scatter back with adds. */
public final class Indexing {
  private Indexing() {}

  private static Backend b() {
    return Backends.current();
  }

  /**
   * Picks slices of {@code x} along one dimension; like {@code torch.index_select(x, dim, index)}. An index may repeat;
   * a slice picked k times receives the sum of its k gradients.
   *
   * @param x input of any shape
   * @param dim the dimension to select along; negative values count from the end
   * @param index positions along {@code dim}, each in {@code [0, x.shape(dim))}
   * @return a new tensor of {@code x}'s shape with dimension {@code dim} of size {@code index.length}
   * @throws IllegalArgumentException if {@code dim} or an index is out of range
   */
  // rows picked k times receive the sum of their k gradients
  public static Tensor indexSelect(Tensor x, int dim, int[] index) {
    int d = Checks.dim("indexSelect", x, dim);
    int[] shape = x.shape();
    int[] idx = index.clone();
    // storage, not array: an INT64 tensor's rows stay INT64, as in PyTorch (it never requires grad)
    return Graph.record("indexSelect", b().indexing().indexSelect(Graph.storage(x), d, idx),
        (g, n) -> new Tensor[] {indexAdd(g, shape, d, idx)}, x);
  }

  // The scatter that is indexSelect's gradient, as an op: linear in g, and its adjoint is indexSelect.
  private static Tensor indexAdd(Tensor g, int[] shape, int d, int[] idx) {
    return Graph.record("indexAdd", b().indexing().indexAdd(shape, d, idx, Graph.array(g)),
        (gg, n) -> new Tensor[] {indexSelect(gg, d, idx)}, g);
  }

  // gather's gradient, as an op: linear in g, and its adjoint is gather with the same index.
  private static Tensor scatterAdd(Tensor g, int[] shape, int d, Tensor idx) {
    return Graph.record("scatterAdd", b().indexing().scatterAdd(shape, d, Graph.storage(idx), Graph.array(g)),
        (gg, n) -> new Tensor[] {gg.gather(d, idx)}, g);
  }

  /**
   * Picks slices of {@code x} along one dimension, with the positions in a tensor (int64, or float holding whole
   * numbers); like {@code torch.index_select(x, dim, index)}.
   *
   * @param x input of any shape
   * @param dim the dimension to select along; negative values count from the end
   * @param index positions along {@code dim}, a scalar or a 1-D tensor
   * @return a new tensor of {@code x}'s shape with dimension {@code dim} of size {@code index.numel()}
   * @throws IllegalArgumentException if {@code index} has more than one dimension, holds a non-integer, or a position
   *     or {@code dim} is out of range
   */
  public static Tensor indexSelect(Tensor x, int dim, Tensor index) {
    if (index.dim() > 1) {
      throw new IllegalArgumentException("indexSelect: index must be 0- or 1-dimensional, got shape "
          + Arrays.toString(index.shape()));
    }
    return indexSelect(x, dim, toIndices("indexSelect", index));
  }

  /**
   * Gathers values along one dimension: {@code out[i][j][k] = x[index[i][j][k]][j][k]} for {@code dim == 0}, and so
   * on; like {@code torch.gather(x, dim, index)}. The gradient is scatter-added back to the gathered positions;
   * {@code index} gets none.
   *
   * @param x input of any shape
   * @param dim the dimension to gather along; negative values count from the end
   * @param index positions along {@code dim}, with as many dimensions as {@code x}
   * @return a new tensor of {@code index}'s shape
   * @throws IllegalArgumentException if {@code index}'s rank differs from {@code x}'s, or {@code dim} or a position is
   *     out of range
   */
  // out = x[..., index, ...] element-wise; the gradient is scatter-added back to where it came from
  public static Tensor gather(Tensor x, int dim, Tensor index) {
    int d = Checks.dim("gather", x, dim);
    if (index.dim() != x.dim()) {
      throw new IllegalArgumentException("gather: index must have as many dims as the input, got shapes "
          + Arrays.toString(index.shape()) + " and " + Arrays.toString(x.shape()));
    }
    int[] shape = x.shape();
    Tensor idx = index.detach();
    return Graph.record("gather", b().indexing().gather(Graph.array(x), d, Graph.storage(idx)),
        (g, n) -> new Tensor[] {scatterAdd(g, shape, d, idx), null}, x, index);
  }

  /**
   * Rows of {@code weight} [vocab, dim] at the given indices: the result has shape indices.shape + [dim].
   * @param weight the embedding table {@code [vocab, dim]}
   * @param indices token ids of any shape, each in {@code [0, vocab)}
   * @return the looked-up rows, of shape {@code indices.shape + [dim]}; like {@code torch.nn.functional.embedding}
   * @throws IllegalArgumentException if {@code weight} is not 2-D or an index is out of range or not an integer
   */
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

  /**
   * Integer values of an index tensor: an int64 tensor's as they are, a float tensor's (accepted as before
   * the integer dtype existed) rejecting fractions, NaN and infinity by name.
   *
   * @param op the calling op's name, for error messages
   * @param index the index tensor, of any shape
   * @return its values in row-major order
   * @throws IllegalArgumentException if a value is not an integer or does not fit in an {@code int}
   * @throws IllegalStateException if called while a step is being captured (the indices would be frozen)
   */
  public static int[] toIndices(String op, Tensor index) {
    int[] out;
    try {
      out = b().storage().readIndices(Graph.storage(index));
    } catch (IllegalStateException e) {
      // A recording backend refuses: a replay would keep the indices read now (last batch's labels).
      throw new IllegalStateException(op + ": a captured step cannot read indices from a tensor (they would stay as "
          + "they are at capture); pass constant indices as int[], or run this step eagerly", e);
    }
    if (out == null && index.dtype() == DType.INT64) {
      for (long v : index.toLongArray()) {
        if (v != (int) v) throw new IllegalArgumentException(op + ": index " + v + " is out of range");
      }
    }
    if (out == null) {
      for (float f : index.toArray()) {
        if (!Float.isFinite(f) || f != Math.rint(f)) throw new IllegalArgumentException(op + ": index " + f + " is not an integer");
      }
    }
    return out;
  }
}
