package dev.backflow.amp;

import dev.backflow.autograd.Autograd;
import dev.backflow.optim.Optimizer;
import dev.backflow.tensor.Tensor;
import java.util.List;

/**
 * Dynamic loss scaling, as torch.cuda.amp.GradScaler: the loss is multiplied by a large factor before
 * backward so small gradients survive 16-bit arithmetic, the gradients are divided by it before the step,
 * and a step whose gradients overflowed is skipped while the factor halves. After {@code growthInterval}
 * good steps the factor doubles again.
 */
public final class GradScaler {
  private double scale;
  private final int growthInterval;
  private int goodSteps;
  private long skipped;

  /** A scaler with PyTorch's defaults: initial scale 2^16, doubling after 2000 good steps. */
  public GradScaler() {
    this(65536.0, 2000);
  }

  /**
   * Like {@code GradScaler(init_scale=initialScale, growth_interval=growthInterval)}, with PyTorch's factors 2 and 0.5.
   *
   * @param initialScale the first loss scale, positive
   * @param growthInterval the number of consecutive good steps after which the scale doubles, positive
   * @throws IllegalArgumentException if either is not positive
   */
  public GradScaler(double initialScale, int growthInterval) {
    if (!(initialScale > 0) || growthInterval <= 0) {
      throw new IllegalArgumentException("GradScaler: need a positive scale and growth interval");
    }
    this.scale = initialScale;
    this.growthInterval = growthInterval;
  }

  /**
   * loss · scale, to call backward() on.
   * @param loss the scalar loss
   * @return a new scalar tensor, differentiable like {@code loss}
   */
  public Tensor scale(Tensor loss) {
    return loss.mul((float) scale);
  }

  /**
   * Divides the gradients by the scale and steps the optimizer, unless a gradient is NaN or infinite, in
   * which case the step is skipped and the scale halves. Returns whether the step was taken.
   * Unlike PyTorch's {@code scaler.step(optimizer)} followed by {@code scaler.update()}, this does both. A skipped step
   * also clears the gradients.
   *
   * @param optimizer the optimizer to step
   * @param params the parameters whose gradients were scaled, usually {@code model.parameters()}
   * @return true if the optimizer stepped, false if the step was skipped for an overflow
   */
  public boolean step(Optimizer optimizer, List<Tensor> params) {
    boolean finite = true;
    try (var g = Autograd.noGrad()) {
      for (Tensor p : params) if (p.grad() != null && !p.grad().isFinite()) finite = false;
      if (!finite) {
        scale /= 2;
        goodSteps = 0;
        skipped++;
        optimizer.zeroGrad();
        return false;
      }
      for (Tensor p : params) if (p.grad() != null) p.grad().mul_((float) (1 / scale));
    }
    optimizer.step();
    if (++goodSteps % growthInterval == 0) scale *= 2;
    return true;
  }

  /**
   * The factor the next {@link #scale} multiplies by; like {@code scaler.get_scale()}.
   *
   * @return the current loss scale
   */
  public double currentScale() {
    return scale;
  }

  /**
   * How many steps were skipped because a gradient overflowed.
   *
   * @return the count of skipped steps
   */
  public long skippedSteps() {
    return skipped;
  }
}
