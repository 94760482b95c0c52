package dev.backflow.web.setup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backflow.optim.Optimizers;
import org.junit.jupiter.api.Test;

/** The page's optimizers are the engine's, by the same names. */
class OptimizerKindTest {

  @Test
  void everyOptimizerThePageOffersIsOneOfTheEnginesRegistry() {
    for (OptimizerKind k : OptimizerKind.values()) {
      assertTrue(Optimizers.names().contains(k.id), k.id + " is not in " + Optimizers.names());
      assertEquals(k, OptimizerKind.byId(k.id));
    }
  }
}
