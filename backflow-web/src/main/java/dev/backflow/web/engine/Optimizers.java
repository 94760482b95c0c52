package dev.backflow.web.engine;

import dev.backflow.optim.Adam;
import dev.backflow.optim.Optimizer;
import dev.backflow.optim.Sgd;
import dev.backflow.tensor.Tensor;
import dev.backflow.web.setup.OptimizerKind;
import java.util.List;

/** The engine's optimizer for a page setting. Momentum is SGD with μ = 0.9; Adam has PyTorch's defaults. */
public final class Optimizers {
  private Optimizers() {}

  public static Optimizer create(OptimizerKind kind, List<Tensor> params, double lr) {
    switch (kind) {
      case SGD: return new Sgd(params, lr);
      case MOMENTUM: return new Sgd(params, lr, 0.9, 0, 0, false);
      case ADAM: return new Adam(params, lr);
      default: throw new IllegalStateException(kind.toString());
    }
  }
}
