package dev.backflow.optim;

import dev.backflow.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay, exactly as
 * torch.optim.SGD: d = g + λp; b = μb + (1-τ)d (b = d on the first step); d = d + μb (Nesterov) or b;
 * p -= lr·d.
 */
public final class Sgd extends Optimizer {
  private final double momentum, dampening;
  private final boolean nesterov;

  /**
   * Plain SGD: p -= lr·grad.
   * Like {@code torch.optim.SGD(params, lr=lr)}.
   *
   * @param params the parameters to optimize, e.g. {@code model.parameters()}
   * @param lr the learning rate, positive
   * @throws IllegalArgumentException if a hyperparameter is out of range, the list is empty, or a tensor is not a
   *     trainable leaf
   */
  public Sgd(List<Tensor> params, double lr) {
    this(params, lr, 0, 0, 0, false);
  }

  /**
   * SGD with momentum, dampening, weight decay and Nesterov, as torch.optim.SGD.
   * Like {@code torch.optim.SGD(params, lr, momentum, dampening, weight_decay, nesterov)}.
   *
   * @param params the parameters to optimize, e.g. {@code model.parameters()}
   * @param lr the learning rate, positive
   * @param momentum the momentum factor μ, 0 or more (0 for none; 0.9 is common)
   * @param dampening the dampening τ of the momentum, in [0, 1]
   * @param weightDecay L2 penalty added to the gradient, 0 or more
   * @param nesterov true for Nesterov momentum (needs momentum &gt; 0 and dampening 0)
   * @throws IllegalArgumentException if a hyperparameter is out of range, the list is empty, or a tensor is not a
   *     trainable leaf
   */
  public Sgd(List<Tensor> params, double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
    this(List.of(new ParamGroup(params, lr, weightDecay)), momentum, dampening, nesterov);
  }

  /**
   * SGD over parameter groups.
   * Like {@code torch.optim.SGD} given a list of parameter dicts.
   *
   * @param groups the parameter groups, each with its learning rate and weight decay
   * @param momentum the momentum factor μ, 0 or more
   * @param dampening the dampening τ of the momentum, in [0, 1]
   * @param nesterov true for Nesterov momentum (needs momentum &gt; 0 and dampening 0)
   * @throws IllegalArgumentException if a hyperparameter is out of range, or a group is empty or repeats a parameter
   */
  public Sgd(List<ParamGroup> groups, double momentum, double dampening, boolean nesterov) {
    super(groups);
    if (!(momentum >= 0)) throw new IllegalArgumentException("SGD: momentum must be 0 or more, got " + momentum);
    if (!(dampening >= 0 && dampening <= 1)) throw new IllegalArgumentException("SGD: dampening must be in [0, 1], got " + dampening);
    if (nesterov && (momentum <= 0 || dampening != 0)) {
      throw new IllegalArgumentException("SGD: Nesterov momentum needs momentum > 0 and dampening 0");
    }
    this.momentum = momentum;
    this.dampening = dampening;
    this.nesterov = nesterov;
  }

  @Override
  protected void update(Tensor p, Tensor grad, ParamGroup group, Map<String, Tensor> s) {
    Tensor d = group.weightDecay() != 0 ? grad.add(p.mul((float) group.weightDecay())) : grad;
    if (momentum != 0) {
      Tensor buf = s.get("momentum_buffer");
      if (buf == null) {
        buf = d.contiguous().mul(1f);
        s.put("momentum_buffer", buf);
      } else {
        buf.mul_((float) momentum).add_(d.mul((float) (1 - dampening)));
      }
      d = nesterov ? d.add(buf.mul((float) momentum)) : buf;
    }
    p.add_(d, -(float) group.lr());
  }
}
