package dev.backflow.data;

import dev.backflow.tensor.Tensor;

/**
 * Indexed examples that a {@link DataLoader} gathers into batches, as torch.utils.data.Dataset. A custom
 * dataset implements {@link #size()} and {@link #get(int)}, as {@code __len__} and {@code __getitem__}:
 *
 * <pre>{@code
 * Dataset squares = new Dataset() {
 *   public int size() { return 100; }
 *   public Example get(int i) { return new Example(Tensor.of(i), Tensor.scalar(i * i)); }
 * };
 * }</pre>
 *
 * The loader stacks examples along a new first dim. Datasets that can assemble a batch faster than one
 * example at a time (a table lookup, a slice of a tensor) override {@link #batch(int[])} instead.
 */
public interface Dataset {
  /**
   * The number of examples.
   *
   * @return the size, positive for a loader
   */
  int size();

  /**
   * One example, as {@code __getitem__}. Implement this or {@link #batch(int[])}.
   *
   * @param index 0 to size - 1
   * @return the example's input and target
   * @throws UnsupportedOperationException when the dataset implements only {@link #batch(int[])}
   */
  default Example get(int index) {
    Batch b = batch(new int[] {index});
    return new Example(b.inputs().select(0, 0), b.targets().select(0, 0));
  }

  /**
   * The examples at {@code indices}, stacked along a new first dim. By default, {@link #get(int)} of each,
   * stacked: inputs of every example must have one shape, and targets another.
   *
   * @param indices positions in [0, size)
   * @return the batch
   * @throws UnsupportedOperationException naming the dataset when it implements neither method
   * @throws IllegalArgumentException when examples differ in shape
   */
  default Batch batch(int[] indices) {
    if (isGetDefault(getClass())) {
      throw new UnsupportedOperationException(getClass().getName() + ": a Dataset must implement get(int) (one example, "
          + "as __getitem__) or batch(int[])");
    }
    Tensor[] inputs = new Tensor[indices.length], targets = new Tensor[indices.length];
    for (int i = 0; i < indices.length; i++) {
      Example e = get(indices[i]);
      if (e == null || e.input() == null || e.target() == null) {
        throw new IllegalArgumentException(getClass().getName() + ".get(" + indices[i] + ") returned no input or target");
      }
      inputs[i] = e.input().detach();
      targets[i] = e.target().detach();
      if (i > 0 && !java.util.Arrays.equals(inputs[i].shape(), inputs[0].shape())) {
        throw new IllegalArgumentException("Dataset: example " + indices[i] + " has input shape "
            + java.util.Arrays.toString(inputs[i].shape()) + " but example " + indices[0] + " has "
            + java.util.Arrays.toString(inputs[0].shape()) + "; a batch stacks examples of one shape");
      }
    }
    return new Batch(Tensor.stack(0, inputs), Tensor.stack(0, targets));
  }

  /**
   * The first {@code n} examples (all of them when there are fewer).
   *
   * @param n a positive count
   * @return a dataset of the first examples, sharing this one's data
   */
  default Dataset head(int n) {
    if (n <= 0) throw new IllegalArgumentException("head: the number of examples must be positive, got " + n);
    Dataset whole = this;
    int m = Math.min(n, size());
    return new Dataset() {
      @Override
      public int size() {
        return m;
      }

      @Override
      public Example get(int index) {
        return whole.get(index);
      }

      @Override
      public Batch batch(int[] indices) {
        return whole.batch(indices);
      }
    };
  }

  private static boolean isGetDefault(Class<?> type) {
    try {
      return type.getMethod("get", int.class).getDeclaringClass() == Dataset.class;
    } catch (NoSuchMethodException e) {
      return true;
    }
  }
}
