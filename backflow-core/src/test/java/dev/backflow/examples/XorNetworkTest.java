package dev.backflow.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The classic 2-2-1 sigmoid XOR network: 10,000 full-batch epochs, lr 0.5. */
class XorNetworkTest {

  @Test
  void handWrittenBackwardAndAutogradProduceTheSameWeightsStepForStep() {
    XorNetwork byHand = XorNetwork.initialize(3);
    XorNetwork auto = byHand.copy();
    for (int step = 0; step < 2000; step++) {
      float lossHand = byHand.stepByHand(0.5f);
      float lossAuto = auto.stepWithAutograd(0.5f);
      assertEquals(lossHand, lossAuto, 1e-5f, "loss at step " + step);
      for (int p = 0; p < 4; p++) {
        assertArrayEquals(byHand.parameters()[p].toArray(), auto.parameters()[p].toArray(), 1e-5f,
            "parameter " + p + " after step " + step);
      }
    }
  }

  @Test
  void convergesWithinPointOneOfTheTargetsForAtLeastFourOfTenSeeds() {
    int byHand = 0, withAutograd = 0;
    for (long seed = 0; seed < 10; seed++) {
      if (XorNetwork.initialize(seed).train(10_000, 0.5f, true).converged(0.1f)) byHand++;
      if (XorNetwork.initialize(seed).train(10_000, 0.5f, false).converged(0.1f)) withAutograd++;
    }
    assertTrue(byHand >= 4, "hand-written backward converged for " + byHand + "/10 seeds");
    assertTrue(withAutograd >= 4, "autograd converged for " + withAutograd + "/10 seeds");
    assertEquals(byHand, withAutograd, "both ways should converge for the same seeds");
  }

  @Test
  void singleNeuronExampleMatchesTheDocs() {
    SingleNeuron.Step s = SingleNeuron.run(2f, 0.5f, 0.1f, 1f, 0.1f);
    assertEquals(0.187370, Math.round(s.dYHatdZ() * 1e6) / 1e6, 1e-12);
    assertEquals(-0.187175, Math.round(s.dLdW() * 1e6) / 1e6, 1e-12);
    assertEquals(0.518717, Math.round(s.newW() * 1e6) / 1e6, 1e-12);
    assertEquals(0.109359, Math.round(s.newB() * 1e6) / 1e6, 1e-12);
  }
}
