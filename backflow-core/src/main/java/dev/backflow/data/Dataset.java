package dev.backflow.data;

/** Indexed examples that can be gathered into batches (as torch.utils.data.Dataset, batched). */
public interface Dataset {
  int size();

  /** The examples at {@code indices}, stacked along a new first dim. */
  Batch batch(int[] indices);

  /** The first {@code n} examples (all of them when there are fewer). */
  Dataset head(int n);
}
