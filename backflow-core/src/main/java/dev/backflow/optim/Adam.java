package dev.backflow.optim;

import dev.backflow.autograd.Graph;
import dev.backflow.backend.Backends;
import dev.backflow.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Adam and AdamW, as torch.optim: m = β1 m + (1-β1) g, v = β2 v + (1-β2) g², and
 * p -= lr/(1-β1^t) · m / (√v/√(1-β2^t) + ε). Adam adds weight decay to the gradient (L2); AdamW decays
 * the weight directly (p *= 1 - lr·λ) before the update, which is what "decoupled" means.
 */
public class Adam extends Optimizer {
  private final double beta1, beta2, eps;
  private final boolean decoupled;

  /**
   * Adam with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay.
   * Like {@code torch.optim.Adam(params, lr=lr)}.
   *
   * @param params the parameters to optimize, e.g. {@code model.parameters()}
   * @param lr the learning rate, positive (1e-3 is common)
   * @throws IllegalArgumentException if {@code lr} is not positive, the list is empty, or a tensor is not a trainable
   *     leaf
   */
  public Adam(List<Tensor> params, double lr) {
    this(params, lr, 0.9, 0.999, 1e-8, 0);
  }

  /**
   * Adam with every hyperparameter (weight decay added to the gradient, as torch.optim.Adam).
   * Like {@code torch.optim.Adam(params, lr, betas=(beta1, beta2), eps=eps, weight_decay=weightDecay)}.
   *
   * @param params the parameters to optimize, e.g. {@code model.parameters()}
   * @param lr the learning rate, positive
   * @param beta1 decay of the running mean of gradients, in [0, 1)
   * @param beta2 decay of the running mean of squared gradients, in [0, 1)
   * @param eps added to the denominator for stability, 0 or more
   * @param weightDecay L2 penalty added to the gradient, 0 or more
   * @throws IllegalArgumentException if a hyperparameter is out of range, the list is empty, or a tensor is not a
   *     trainable leaf
   */
  public Adam(List<Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
    this(List.of(new ParamGroup(params, lr, weightDecay)), beta1, beta2, eps, false);
  }

  /**
   * For AdamW: {@code decoupled} applies weight decay to the weights directly instead of adding it to the gradient.
   * @param groups the parameter groups, each with its learning rate and weight decay
   * @param beta1 decay of the running mean of gradients, in [0, 1)
   * @param beta2 decay of the running mean of squared gradients, in [0, 1)
   * @param eps added to the denominator for stability, 0 or more
   * @param decoupled true for AdamW's decoupled weight decay, false for Adam's L2 penalty
   * @throws IllegalArgumentException if a beta or {@code eps} is out of range, or the groups are invalid
   */
  protected Adam(List<ParamGroup> groups, double beta1, double beta2, double eps, boolean decoupled) {
    super(groups);
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
      throw new IllegalArgumentException("Adam: betas must be in [0, 1), got " + beta1 + ", " + beta2);
    }
    if (!(eps >= 0)) throw new IllegalArgumentException("Adam: eps must be 0 or more, got " + eps);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.decoupled = decoupled;
  }

  @Override
  protected void update(Tensor p, Tensor grad, ParamGroup group, Map<String, Tensor> s) {
    double lr = group.lr(), wd = group.weightDecay();
    Tensor step = s.computeIfAbsent("step", k -> Tensor.scalar(0f)).add_(1f);
    Tensor m = buffer(s, "exp_avg", p), v = buffer(s, "exp_avg_sq", p);
    if (p.isContiguous() && grad.isContiguous()) {
      // The kernel reads the step count itself, so a captured step replays each step's bias correction.
      Backends.current().optimizer().adamUpdate(Graph.array(p), Graph.array(grad), Graph.array(m), Graph.array(v), Graph.array(step), lr, beta1, beta2,
          eps, decoupled ? 0f : (float) wd, decoupled ? (float) (1 - lr * wd) : 1f);
      return;
    }
    long t = (long) step.item();
    double bc1 = 1 - Math.pow(beta1, t), bc2 = 1 - Math.pow(beta2, t);
    // The same step composed from element-wise ops, for parameters that are strided views.
    Tensor g = grad;
    if (wd != 0) {
      if (decoupled) p.mul_((float) (1 - lr * wd));
      else g = g.add(p.mul((float) wd));
    }
    m.mul_((float) beta1).add_(g.mul((float) (1 - beta1)));
    v.mul_((float) beta2).add_(g.square().mul((float) (1 - beta2)));
    Tensor denom = v.sqrt().div((float) Math.sqrt(bc2)).add((float) eps);
    p.sub_(m.div(denom).mul((float) (lr / bc1)));
  }
}
