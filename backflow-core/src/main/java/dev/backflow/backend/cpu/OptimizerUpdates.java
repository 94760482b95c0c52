package dev.backflow.backend.cpu;

import dev.backflow.backend.NdArray;
import dev.backflow.backend.OptimizerKernels;

/** Fused optimizer updates: one pass over memory instead of a chain of element-wise ops. */
final class OptimizerUpdates implements OptimizerKernels {
  private final FusedKernels fused;

  OptimizerUpdates(FusedKernels fused) {
    this.fused = fused;
  }

  /** Elements above which one Adam update is split across threads. */
  private static final int ADAM_SPLIT = 1 << 15;

  @Override
  public void adamUpdate(NdArray param, NdArray grad, NdArray expAvg, NdArray expAvgSq, NdArray step, double lr,
                         double beta1Wide, double beta2Wide, double epsWide, float l2, float decay) {
    for (NdArray x : new NdArray[] {param, grad, expAvg, expAvgSq}) {
      assert x.isContiguous() && x.size() == param.size() : "adamUpdate: the optimizer passes contiguous arrays of equal size";
    }
    // The bias corrections in double from this step's count, as PyTorch computes them.
    long t = (long) step.data()[step.offset()];
    double bc1 = 1 - Math.pow(beta1Wide, t), bc2 = 1 - Math.pow(beta2Wide, t);
    float beta1 = (float) beta1Wide, beta2 = (float) beta2Wide, eps = (float) epsWide;
    float stepSize = (float) (lr / bc1), bc2Sqrt = (float) Math.sqrt(bc2);
    // Memory-bound: large tensors are split in contiguous halves so each core streams its own share.
    int n = param.size(), tasks = n >= ADAM_SPLIT ? Math.min(Parallel.threads(), n / (ADAM_SPLIT / 2)) : 1;
    int per = ((n + tasks - 1) / tasks + 15) / 16 * 16;
    Parallel.forEach(tasks, task -> {
      int from = task * per, len = Math.min(n, from + per) - from;
      if (len > 0) {
        fused.adam(param.data(), param.offset() + from, grad.data(), grad.offset() + from, expAvg.data(), expAvg.offset() + from,
            expAvgSq.data(), expAvgSq.offset() + from, len, beta1, beta2, stepSize, bc2Sqrt, eps, l2, decay);
      }
    });
  }
}
