package dev.backflow.optim;

import dev.backflow.tensor.Tensor;
import java.util.List;

/** Parameters that share hyper-parameters (as one dict of PyTorch's param_groups). lr is mutable for schedules. */
public final class ParamGroup {
  private final List<Tensor> params;
  private double lr;
  private final double weightDecay;

  /** Parameters sharing a learning rate and weight decay. */
  public ParamGroup(List<Tensor> params, double lr, double weightDecay) {
    if (!(lr > 0) || !Double.isFinite(lr)) throw new IllegalArgumentException("learning rate must be positive, got " + lr);
    if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight decay must be 0 or more, got " + weightDecay);
    for (Tensor p : params) {
      if (!p.requiresGrad() || !p.isLeaf()) {
        throw new IllegalArgumentException("optimizer: every parameter must be a leaf tensor that requires grad");
      }
    }
    this.params = List.copyOf(params);
    this.lr = lr;
    this.weightDecay = weightDecay;
  }

  /** The group's parameters. */
  public List<Tensor> params() {
    return params;
  }

  /** The group's learning rate now. */
  public double lr() {
    return lr;
  }

  /** Sets the group's learning rate (what schedules do). */
  public void setLr(double lr) {
    if (!(lr >= 0) || !Double.isFinite(lr)) throw new IllegalArgumentException("learning rate must be 0 or more, got " + lr);
    this.lr = lr;
  }

  /** The group's weight decay. */
  public double weightDecay() {
    return weightDecay;
  }
}
