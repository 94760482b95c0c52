package dev.backflow.optim;

import dev.backflow.tensor.Tensor;
import java.util.List;

/** Adam with decoupled weight decay (default λ = 0.01, as torch.optim.AdamW). */
public final class AdamW extends Adam {
  /**
   * AdamW with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, weight decay 0.01.
   * Like {@code torch.optim.AdamW(params, lr=lr)}.
   *
   * @param params the parameters to optimize, e.g. {@code model.parameters()}
   * @param lr the learning rate, positive
   * @throws IllegalArgumentException if a hyperparameter is out of range, the list is empty, or a tensor is not a
   *     trainable leaf
   */
  public AdamW(List<Tensor> params, double lr) {
    this(params, lr, 0.9, 0.999, 1e-8, 0.01);
  }

  /**
   * AdamW with every hyperparameter (decoupled weight decay, as torch.optim.AdamW).
   * Like {@code torch.optim.AdamW(params, lr, betas=(beta1, beta2), eps=eps, weight_decay=weightDecay)}.
   *
   * @param params the parameters to optimize, e.g. {@code model.parameters()}
   * @param lr the learning rate, positive
   * @param beta1 decay of the running mean of gradients, in [0, 1)
   * @param beta2 decay of the running mean of squared gradients, in [0, 1)
   * @param eps added to the denominator for stability, 0 or more
   * @param weightDecay the decoupled decay λ: each step multiplies the weights by {@code 1 - lr·λ}; 0 or more
   * @throws IllegalArgumentException if a hyperparameter is out of range, the list is empty, or a tensor is not a
   *     trainable leaf
   */
  public AdamW(List<Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
    this(List.of(new ParamGroup(params, lr, weightDecay)), beta1, beta2, eps);
  }

  /**
   * AdamW over parameter groups, each with its own learning rate and weight decay.
   * Like {@code torch.optim.AdamW} given a list of parameter dicts: for example no weight decay on biases and norms.
   *
   * @param groups the parameter groups, each with its learning rate and decoupled weight decay
   * @param beta1 decay of the running mean of gradients, in [0, 1)
   * @param beta2 decay of the running mean of squared gradients, in [0, 1)
   * @param eps added to the denominator for stability, 0 or more
   * @throws IllegalArgumentException if a hyperparameter is out of range, or a group is empty or repeats a parameter
   */
  public AdamW(List<ParamGroup> groups, double beta1, double beta2, double eps) {
    super(groups, beta1, beta2, eps, true);
  }
}
