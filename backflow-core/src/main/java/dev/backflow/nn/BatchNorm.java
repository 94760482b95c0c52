package dev.backflow.nn;

import dev.backflow.autograd.Autograd;
import dev.backflow.tensor.Tensor;
import java.util.Arrays;

/**
 * Batch normalization over the channel dim 1 (BatchNorm1d on [N, C] or [N, C, L], BatchNorm2d on
 * [N, C, H, W]). Training normalizes with the batch's statistics and updates running averages
 * (momentum 0.1, unbiased variance, as PyTorch); eval normalizes with the running averages.
 */
public abstract class BatchNorm extends Module {
  /** The learned scale γ and shift β, one per channel. */
  public final Tensor weight, bias;
  private final int features, rank;
  private final float eps, momentum;

  /**
   * Normalization of {@code features} channels for inputs of rank {@code rank} (4 for images).
   * Subclasses fix the input rank; γ starts at 1, β at 0, the running mean at 0 and the running variance at 1.
   *
   * @param features the number of channels C (the input's dimension 1)
   * @param rank 4 for image inputs {@code [N, C, H, W]}; 2 for {@code [N, C]} or {@code [N, C, L]}
   * @throws IllegalArgumentException if {@code features} is not positive
   */
  protected BatchNorm(int features, int rank) {
    if (features <= 0) throw new IllegalArgumentException(getClass().getSimpleName() + ": features must be positive, got " + features);
    this.features = features;
    this.rank = rank;
    this.eps = 1e-5f;
    this.momentum = 0.1f;
    this.weight = registerParameter("weight", Tensor.ones(features));
    this.bias = registerParameter("bias", Tensor.zeros(features));
    registerBuffer("running_mean", Tensor.zeros(features));
    registerBuffer("running_var", Tensor.ones(features));
    // PyTorch's counter of training batches, saved as I64 so that state dicts match name for name
    registerIntegerBuffer("num_batches_tracked", Tensor.scalar(0f));
  }

  /**
   * The running mean per channel, used in eval mode.
   * @return the buffer {@code [C]} itself (PyTorch's {@code running_mean}), updated in place during training
   */
  public Tensor runningMean() {
    return namedBuffers().get("running_mean");
  }

  /**
   * The running (unbiased) variance per channel, used in eval mode.
   * @return the buffer {@code [C]} itself (PyTorch's {@code running_var}), updated in place during training
   */
  public Tensor runningVar() {
    return namedBuffers().get("running_var");
  }

  @Override
  public Tensor forward(Tensor x) {
    boolean ok = x.dim() >= 2 && x.shape(1) == features && (rank == 4 ? x.dim() == 4 : x.dim() <= 3);
    if (!ok) {
      throw new IllegalArgumentException(getClass().getSimpleName() + "(" + features
          + "): expected input " + (rank == 4 ? "[N, " + features + ", H, W]" : "[N, " + features + "] or [N, " + features + ", L]")
          + ", got " + Arrays.toString(x.shape()));
    }
    int[] dims = x.dim() == 2 ? new int[] {0} : x.dim() == 3 ? new int[] {0, 2} : new int[] {0, 2, 3};
    int[] shape = new int[x.dim()];
    Arrays.fill(shape, 1);
    shape[1] = features;
    Tensor mean, var;
    if (isTraining()) {
      mean = x.mean(dims, true);
      var = x.sub(mean).square().mean(dims, true);
      long n = x.numel() / features;
      try (var g = Autograd.noGrad()) {
        Tensor unbiased = var.detach().reshape(features).mul(n / (float) Math.max(1, n - 1));
        runningMean().mul_(1 - momentum).add_(mean.detach().reshape(features).mul(momentum));
        runningVar().mul_(1 - momentum).add_(unbiased.mul(momentum));
        namedBuffers().get("num_batches_tracked").add_(Tensor.scalar(1f));
      }
    } else {
      mean = runningMean().reshape(shape);
      var = runningVar().reshape(shape);
    }
    return x.sub(mean).div(var.add(eps).sqrt()).mul(weight.reshape(shape)).add(bias.reshape(shape));
  }

  @Override
  protected String extraRepr() {
    return String.valueOf(features);
  }
}
