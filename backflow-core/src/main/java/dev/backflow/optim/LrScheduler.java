package dev.backflow.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongToDoubleFunction;

/**
 * Sets each group's learning rate from the step count: lr = base lr · factor(step). Call {@link #step()}
 * once per epoch or per batch, as the schedule was designed for.
 */
public final class LrScheduler {
  private final Optimizer optimizer;
  private final double[] baseLrs;
  private final LongToDoubleFunction factor;
  private long step;

  private LrScheduler(Optimizer optimizer, LongToDoubleFunction factor) {
    this.optimizer = optimizer;
    this.factor = factor;
    this.baseLrs = optimizer.paramGroups().stream().mapToDouble(ParamGroup::lr).toArray();
    apply();
  }

  /**
   * lr · factor(step), as PyTorch's {@code LambdaLR(opt, lr_lambda)}: any schedule as a function of the
   * step count (0 before the first {@link #step()}).
   *
   * <pre>{@code
   * LrScheduler warm = LrScheduler.lambdaLr(opt, s -> Math.min(1.0, (s + 1) / 100.0));
   * }</pre>
   *
   * @param opt the optimizer whose groups' learning rates are set (their current ones are the base)
   * @param factor the multiplier of each group's base learning rate at a step
   * @return a scheduler that has already applied factor(0)
   */
  public static LrScheduler lambdaLr(Optimizer opt, LongToDoubleFunction factor) {
    if (factor == null) throw new IllegalArgumentException("lambdaLr: the factor function is null");
    return new LrScheduler(opt, s -> {
      double f = factor.applyAsDouble(s);
      if (!(f >= 0) || !Double.isFinite(f)) {
        throw new IllegalArgumentException("lambdaLr: the factor at step " + s + " is " + f + "; it must be a finite number >= 0");
      }
      return f;
    });
  }

  /**
   * lr · γ^⌊step / stepSize⌋ (StepLR).
   * Like {@code torch.optim.lr_scheduler.StepLR(opt, stepSize, gamma)}.
   *
   * @param opt the optimizer whose groups' learning rates are set (their current ones are the base)
   * @param stepSize the number of steps between decays, positive
   * @param gamma the factor of each decay, positive (e.g. 0.1)
   * @return a scheduler that has already applied the rate of step 0
   * @throws IllegalArgumentException if {@code stepSize} or {@code gamma} is not positive
   */
  public static LrScheduler stepLr(Optimizer opt, long stepSize, double gamma) {
    if (stepSize <= 0) throw new IllegalArgumentException("stepLr: stepSize must be positive, got " + stepSize);
    if (!(gamma > 0) || !Double.isFinite(gamma)) throw new IllegalArgumentException("stepLr: gamma must be a positive number, got " + gamma);
    return new LrScheduler(opt, s -> Math.pow(gamma, s / stepSize));
  }

  /**
   * Cosine from lr down to lr·minFactor over tMax steps (CosineAnnealingLR), flat afterwards.
   * Like {@code torch.optim.lr_scheduler.CosineAnnealingLR(opt, tMax, eta_min=lr·minFactor)}, without restarts.
   *
   * @param opt the optimizer whose groups' learning rates are set (their current ones are the base)
   * @param tMax the number of steps from the base rate to the floor, positive
   * @param minFactor the floor as a fraction of the base rate, in [0, 1]
   * @return a scheduler that has already applied the rate of step 0 (the base rate)
   * @throws IllegalArgumentException if {@code tMax} is not positive or {@code minFactor} is outside [0, 1]
   */
  public static LrScheduler cosine(Optimizer opt, long tMax, double minFactor) {
    if (tMax <= 0) throw new IllegalArgumentException("cosine: tMax must be positive, got " + tMax);
    checkMinFactor("cosine", minFactor);
    return new LrScheduler(opt, s -> minFactor + (1 - minFactor) * 0.5 * (1 + Math.cos(Math.PI * Math.min(s, tMax) / tMax)));
  }

  /**
   * Linear warm-up from lr/warmup to lr over {@code warmup} steps, then a cosine from lr down to lr·minFactor
   * by step {@code total}, flat afterwards: the usual transformer schedule (Hugging Face's
   * {@code get_cosine_schedule_with_warmup}, with a floor).
   *
   * @param opt the optimizer whose groups' learning rates are set (their current ones are the base)
   * @param warmup the number of warm-up steps, 0 or more
   * @param total the step at which the cosine reaches its floor, more than {@code warmup}
   * @param minFactor the floor as a fraction of the base rate, in [0, 1]
   * @return a scheduler that has already applied the rate of step 0
   * @throws IllegalArgumentException if not {@code 0 <= warmup < total}, or {@code minFactor} is outside [0, 1]
   */
  public static LrScheduler warmupThenCosine(Optimizer opt, long warmup, long total, double minFactor) {
    if (warmup < 0 || total <= warmup) {
      throw new IllegalArgumentException("warmupThenCosine: need 0 <= warmup < total, got warmup " + warmup + " and total " + total);
    }
    checkMinFactor("warmupThenCosine", minFactor);
    return new LrScheduler(opt, s -> s < warmup ? (s + 1.0) / warmup
        : minFactor + (1 - minFactor) * 0.5 * (1 + Math.cos(Math.PI * Math.min(s - warmup, total - warmup) / (total - warmup))));
  }

  /**
   * Linear warm-up over {@code warmup} steps, then constant.
   * The rate of step s is {@code lr · (s + 1) / warmup} until it reaches lr.
   *
   * @param opt the optimizer whose groups' learning rates are set (their current ones are the base)
   * @param warmup the number of warm-up steps, positive
   * @return a scheduler that has already applied the rate of step 0
   * @throws IllegalArgumentException if {@code warmup} is not positive
   */
  public static LrScheduler linearWarmup(Optimizer opt, long warmup) {
    if (warmup <= 0) throw new IllegalArgumentException("linearWarmup: warmup must be positive, got " + warmup);
    return new LrScheduler(opt, s -> s < warmup ? (s + 1.0) / warmup : 1.0);
  }

  private static void checkMinFactor(String schedule, double minFactor) {
    if (!(minFactor >= 0 && minFactor <= 1)) {
      throw new IllegalArgumentException(schedule + ": minFactor must be in [0, 1] (a fraction of the base learning rate), got " + minFactor);
    }
  }

  /**
   * Advances the schedule by one step (one batch or one epoch, as designed) and sets the new rates.
   * @throws IllegalArgumentException if a {@link #lambdaLr} factor returns a negative or non-finite value
   */
  public void step() {
    step++;
    apply();
  }

  private void apply() {
    double f = factor.applyAsDouble(step);
    for (int i = 0; i < baseLrs.length; i++) optimizer.paramGroups().get(i).setLr(baseLrs[i] * f);
  }

  /**
   * The learning rate of the first group (see {@link #lastLr()} for all groups).
   *
   * @return the rate set by the last step
   */
  public double currentLr() {
    return optimizer.paramGroups().get(0).lr();
  }

  /**
   * The learning rate of each group as the last step set it, as PyTorch's {@code get_last_lr()}.
   *
   * @return one rate per parameter group, in group order
   */
  public List<Double> lastLr() {
    List<Double> out = new ArrayList<>();
    for (ParamGroup g : optimizer.paramGroups()) out.add(g.lr());
    return List.copyOf(out);
  }

  /**
   * The number of {@link #step()} calls so far, as PyTorch's {@code last_epoch}.
   *
   * @return the step count
   */
  public long stepCount() {
    return step;
  }
}
