package dev.backflow.backend;

/** Gathers and scatters along a dim, by index arrays or index tensors. Part of {@link Backend}; knows nothing of gradients. */
public interface IndexingKernels {

  /**
   * out[i][j][k] = x[i][index[i][j][k]][k] (for dim 1), as {@code torch.gather}.
   *
   * @param x the source
   * @param dim the dim to pick along, already normalised
   * @param index the positions (int64 or whole float values), of x's rank
   * @return a new array of index's shape
   * @throws IndexOutOfBoundsException if a position is outside x's dim (checked before anything is written)
   */
  NdArray gather(NdArray x, int dim, NdArray index);

  /**
   * zeros(shape), then out[...index...] += src, as {@code torch.zeros(shape).scatter_add_(dim, index, src)}: the
   * backward of gather.
   *
   * @param shape the result's shape
   * @param dim the dim the positions refer to
   * @param index the positions, of src's shape
   * @param src the values to add
   * @return a new array of {@code shape}
   * @throws IndexOutOfBoundsException if a position is outside the dim
   */
  NdArray scatterAdd(int[] shape, int dim, NdArray index, NdArray src);

  /**
   * Slices of {@code x} along {@code dim} at positions {@code index}, as {@code torch.index_select}.
   *
   * @param x the source, float32 or int64
   * @param dim the dim to select along, already normalised
   * @param index the positions, each in range
   * @return a new array of x's kind whose {@code dim} has {@code index.length} entries
   */
  NdArray indexSelect(NdArray x, int dim, int[] index);

  /**
   * zeros(shape), then slices {@code index[i]} along dim += src slice i, as
   * {@code torch.zeros(shape).index_add_(dim, index, src)}: the backward of indexSelect (and of an embedding).
   *
   * @param shape the result's shape
   * @param dim the dim the positions refer to
   * @param index the positions, one per slice of src along dim
   * @param src the slices to add
   * @return a new array of {@code shape}
   */
  NdArray indexAdd(int[] shape, int dim, int[] index, NdArray src);
}
