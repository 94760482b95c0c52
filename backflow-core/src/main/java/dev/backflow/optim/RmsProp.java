package dev.backflow.optim;

import dev.backflow.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * RMSProp as torch.optim.RMSprop: v = αv + (1-α)g², p -= lr·g/(√v + ε) (with optional momentum, and the
 * centered variant that divides by the estimated standard deviation instead).
 */
public final class RmsProp extends Optimizer {
  private final double alpha, eps, momentum;
  private final boolean centered;

  /**
   * RMSprop with PyTorch's defaults: alpha 0.99, eps 1e-8.
   * Like {@code torch.optim.RMSprop(params, lr=lr)}, with no weight decay, momentum or centering.
   *
   * @param params the parameters to optimize, e.g. {@code model.parameters()}
   * @param lr the learning rate, positive (PyTorch's default is 0.01)
   * @throws IllegalArgumentException if a hyperparameter is out of range, the list is empty, or a tensor is not a
   *     trainable leaf
   */
  public RmsProp(List<Tensor> params, double lr) {
    this(params, lr, 0.99, 1e-8, 0, 0, false);
  }

  /**
   * RMSprop with every hyperparameter, as torch.optim.RMSprop.
   * @param params the parameters to optimize, e.g. {@code model.parameters()}
   * @param lr the learning rate, positive
   * @param alpha the smoothing constant of the running mean of squared gradients, in [0, 1)
   * @param eps added to the denominator for stability, 0 or more
   * @param weightDecay L2 penalty added to the gradient, 0 or more
   * @param momentum the momentum factor, 0 or more (0 for none)
   * @param centered true to normalize by the estimated variance of the gradient instead of its second moment
   * @throws IllegalArgumentException if a hyperparameter is out of range, the list is empty, or a tensor is not a
   *     trainable leaf
   */
  public RmsProp(List<Tensor> params, double lr, double alpha, double eps, double weightDecay, double momentum,
                 boolean centered) {
    super(List.of(new ParamGroup(params, lr, weightDecay)));
    if (!(alpha >= 0 && alpha < 1)) throw new IllegalArgumentException("RMSProp: alpha must be in [0, 1), got " + alpha);
    if (!(eps >= 0)) throw new IllegalArgumentException("RMSProp: eps must be 0 or more, got " + eps);
    if (!(momentum >= 0)) throw new IllegalArgumentException("RMSProp: momentum must be 0 or more, got " + momentum);
    this.alpha = alpha;
    this.eps = eps;
    this.momentum = momentum;
    this.centered = centered;
  }

  @Override
  protected void update(Tensor p, Tensor grad, ParamGroup group, Map<String, Tensor> s) {
    Tensor g = group.weightDecay() != 0 ? grad.add(p.mul((float) group.weightDecay())) : grad;
    Tensor sq = buffer(s, "square_avg", p);
    sq.mul_((float) alpha).add_(g.square().mul((float) (1 - alpha)));
    Tensor avg;
    if (centered) {
      Tensor gAvg = buffer(s, "grad_avg", p);
      gAvg.mul_((float) alpha).add_(g.mul((float) (1 - alpha)));
      avg = sq.sub(gAvg.square()).sqrt().add((float) eps);
    } else {
      avg = sq.sqrt().add((float) eps);
    }
    if (momentum > 0) {
      Tensor buf = buffer(s, "momentum_buffer", p);
      buf.mul_((float) momentum).add_(g.div(avg));
      p.sub_(buf.mul((float) group.lr()));
    } else {
      p.sub_(g.div(avg).mul((float) group.lr()));
    }
  }
}
