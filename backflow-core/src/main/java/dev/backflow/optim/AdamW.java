package dev.backflow.optim;

import dev.backflow.tensor.Tensor;
import java.util.List;

/** Adam with decoupled weight decay (default λ = 0.01, as torch.optim.AdamW). */
public final class AdamW extends Adam {
  /** AdamW with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, weight decay 0.01. */
  public AdamW(List<Tensor> params, double lr) {
    this(params, lr, 0.9, 0.999, 1e-8, 0.01);
  }

  /** AdamW with every hyperparameter (decoupled weight decay, as torch.optim.AdamW). */
  public AdamW(List<Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
    this(List.of(new ParamGroup(params, lr, weightDecay)), beta1, beta2, eps);
  }

  /** AdamW over parameter groups, each with its own learning rate and weight decay. */
  public AdamW(List<ParamGroup> groups, double beta1, double beta2, double eps) {
    super(groups, beta1, beta2, eps, true);
  }
}
