package dev.backflow.spark;

import dev.backflow.nn.Module;
import dev.backflow.optim.Optimizer;
import java.io.Serializable;

/**
 * Builds the optimizer over a model's parameters on each worker of the all-reduce mode, where every worker steps
 * its own copy: {@code (OptimizerFactory) m -> new AdamW(m.parameters(), 1e-3)}. Its state (and learning rates)
 * are overwritten from the driver's at the start of each epoch.
 */
@FunctionalInterface
public interface OptimizerFactory extends Serializable {
  Optimizer create(Module model);
}
