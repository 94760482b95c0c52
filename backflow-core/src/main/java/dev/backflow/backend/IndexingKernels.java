package dev.backflow.backend;

/** Gathers and scatters along a dim, by index arrays or index tensors. Part of {@link Backend}; knows nothing of gradients. */
public interface IndexingKernels {

  /** out[i][j][k] = x[i][index[i][j][k]][k] (for dim 1), as torch.gather. */
  NdArray gather(NdArray x, int dim, NdArray index);

  /** zeros(shape), then out[...index...] += src, as torch.scatter_add. */
  NdArray scatterAdd(int[] shape, int dim, NdArray index, NdArray src);

  /** Slices of {@code x} along {@code dim} at positions {@code index}. */
  NdArray indexSelect(NdArray x, int dim, int[] index);

  /** zeros(shape), then slices {@code index[i]} along dim += src slice i. */
  NdArray indexAdd(int[] shape, int dim, int[] index, NdArray src);
}
