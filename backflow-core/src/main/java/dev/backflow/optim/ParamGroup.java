package dev.backflow.optim;

import dev.backflow.tensor.Tensor;
import java.util.List;

/** Parameters that share hyper-parameters (as one dict of PyTorch's param_groups). lr is mutable for schedules. */
public final class ParamGroup {
  private final List<Tensor> params;
  private double lr;
  private final double weightDecay;

  /**
   * Parameters sharing a learning rate and weight decay.
   * @param params the parameters: leaf tensors that require grad, such as {@code model.parameters()}
   * @param lr the learning rate, positive and finite
   * @param weightDecay the weight decay, 0 or more (how it applies depends on the optimizer)
   * @throws IllegalArgumentException if {@code lr} or {@code weightDecay} is out of range, or a tensor is not a
   *     trainable leaf (the message says which one and why)
   */
  public ParamGroup(List<Tensor> params, double lr, double weightDecay) {
    if (!(lr > 0) || !Double.isFinite(lr)) throw new IllegalArgumentException("learning rate must be positive, got " + lr);
    if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight decay must be 0 or more, got " + weightDecay);
    for (int i = 0; i < params.size(); i++) {
      Tensor p = params.get(i);
      // a tensor has no name of its own: its position is what finds it in model.namedParameters()
      String which = "optimizer: parameter " + i + " of " + params.size() + " (shape "
          + java.util.Arrays.toString(p.shape()) + "; entry " + i + " of model.namedParameters() names it, in the same order)";
      if (!p.isLeaf()) {
        throw new IllegalArgumentException(which + " was computed by " + p.gradFn().name() + ", so a step could not change "
            + "what it was computed from; pass the leaf tensors (the layer's weights), or detach().requiresGrad(true) a copy");
      }
      if (!p.requiresGrad()) {
        throw new IllegalArgumentException(which + " does not require grad (frozen?), so it would never be stepped; "
            + "pass only trainable ones, e.g. parameters().stream().filter(Tensor::requiresGrad).toList()");
      }
    }
    this.params = List.copyOf(params);
    this.lr = lr;
    this.weightDecay = weightDecay;
  }

  /**
   * The group's parameters.
   * @return the parameters, in the order given (unmodifiable)
   */
  public List<Tensor> params() {
    return params;
  }

  /**
   * The group's learning rate now.
   * @return the learning rate the next step uses
   */
  public double lr() {
    return lr;
  }

  /**
   * Sets the group's learning rate (what schedules do).
   * @param lr the new learning rate, 0 or more and finite
   * @throws IllegalArgumentException if {@code lr} is negative, NaN or infinite
   */
  public void setLr(double lr) {
    if (!(lr >= 0) || !Double.isFinite(lr)) throw new IllegalArgumentException("learning rate must be 0 or more, got " + lr);
    this.lr = lr;
  }

  /**
   * The group's weight decay.
   * @return the weight decay, fixed at construction
   */
  public double weightDecay() {
    return weightDecay;
  }
}
