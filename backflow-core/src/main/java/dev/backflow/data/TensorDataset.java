package dev.backflow.data;

import dev.backflow.tensor.Tensor;
import java.util.Arrays;

/** Examples stored as two tensors whose first dim indexes examples. */
public final class TensorDataset implements Dataset {
  private final Tensor inputs, targets;

  /**
   * Examples as rows of two tensors with the same first dim.
   * Like {@code torch.utils.data.TensorDataset(inputs, targets)}. Both are detached: a dataset holds data, not graph.
   *
   * @param inputs the inputs {@code [N, ...]}
   * @param targets the targets {@code [N, ...]}, such as class indices {@code [N]}
   * @throws IllegalArgumentException if either is a scalar or their first dimensions differ
   */
  public TensorDataset(Tensor inputs, Tensor targets) {
    if (inputs.dim() == 0 || targets.dim() == 0 || inputs.shape(0) != targets.shape(0)) {
      throw new IllegalArgumentException("TensorDataset: inputs " + Arrays.toString(inputs.shape()) + " and targets "
          + Arrays.toString(targets.shape()) + " must have the same number of examples in dim 0");
    }
    this.inputs = inputs.detach();
    this.targets = targets.detach();
  }

  /**
   * All inputs, one example per row.
   * @return the inputs {@code [N, ...]}
   */
  public Tensor inputs() {
    return inputs;
  }

  /**
   * All targets, one example per row.
   * @return the targets {@code [N, ...]}
   */
  public Tensor targets() {
    return targets;
  }

  @Override
  public int size() {
    return inputs.shape(0);
  }

  @Override
  public Batch batch(int[] indices) {
    return new Batch(inputs.indexSelect(0, indices), targets.indexSelect(0, indices));
  }

  @Override
  public TensorDataset head(int n) {
    if (n <= 0) throw new IllegalArgumentException("head: the number of examples must be positive, got " + n);
    int m = Math.min(n, size());
    return new TensorDataset(inputs.narrow(0, 0, m).contiguous(), targets.narrow(0, 0, m).contiguous());
  }
}
