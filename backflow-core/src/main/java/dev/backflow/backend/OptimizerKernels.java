package dev.backflow.backend;

/** Fused optimizer updates, in place on parameter and state arrays. Part of {@link Backend}; knows nothing of gradients. */
public interface OptimizerKernels {

  /**
   * One Adam step in place on contiguous arrays, with PyTorch's arithmetic ({@code torch.optim.Adam}/{@code AdamW}
   * with capturable=True). The step count t is read from {@code step} (one element, already advanced for this step)
   * when the kernel runs, so a replayed step applies each step's own bias correction: bc1 = 1 - β1^t,
   * bc2 = 1 - β2^t; g' = g + l2·p; m = β1 m + (1-β1) g'; v = β2 v + (1-β2) g'²;
   * p = p·decay - (lr/bc1) · m / (√v / √bc2 + eps).
   *
   * @param param the parameter, updated in place
   * @param grad its gradient, same shape
   * @param expAvg the first moment m, updated in place
   * @param expAvgSq the second moment v, updated in place
   * @param step the step count t, one element
   * @param lr the learning rate
   * @param beta1 the first moment's decay
   * @param beta2 the second moment's decay
   * @param eps added to the denominator
   * @param l2 Adam's L2 penalty (weight_decay of Adam); 0 for AdamW
   * @param decay the decoupled weight-decay factor: 1 - lr·λ for AdamW, 1 for Adam
   */
  void adamUpdate(NdArray param, NdArray grad, NdArray expAvg, NdArray expAvgSq, NdArray step, double lr,
                  double beta1, double beta2, double eps, float l2, float decay);
}
