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

  public GradScaler() {
    this(65536.0, 2000);
  }

  public GradScaler(double initialScale, int growthInterval) {
    if (!(initialScale > 0) || growthInterval <= 0) {
      throw new IllegalArgumentException("GradScaler: need a positive scale and growth interval");
    }
    this.scale = initialScale;
    this.growthInterval = growthInterval;
  }

  /** loss · scale, to call backward() on. */
  public Tensor scale(Tensor loss) {
    return loss.mul((float) scale);
  }

  /**
   * Divides the gradients by the scale and steps the optimizer, unless a gradient is NaN or infinite, in
   * which case the step is skipped and the scale halves. Returns whether the step was taken.
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

  public double currentScale() {
    return scale;
  }

  public long skippedSteps() {
    return skipped;
  }
}
