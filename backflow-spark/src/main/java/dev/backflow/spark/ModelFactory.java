package dev.backflow.spark;

import dev.backflow.nn.Module;
import java.io.Serializable;

/**
 * Builds the model on each executor (Spark ships this object, not the model). Every call must build the same
 * architecture, parameters in the same order and shapes; their values do not matter, since each step overwrites
 * them with the driver's. A lambda cast to this type is enough: {@code (ModelFactory) () -> Models.fashionMlp(0)}.
 */
@FunctionalInterface
public interface ModelFactory extends Serializable {
  Module create();
}
