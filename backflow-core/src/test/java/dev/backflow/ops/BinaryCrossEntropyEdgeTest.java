package dev.backflow.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backflow.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Saturated probabilities (exactly 0 or 1) give finite losses and gradients, as in PyTorch. */
class BinaryCrossEntropyEdgeTest {

  @Test
  void probabilitiesOfExactlyZeroOrOneGiveFiniteGradients() {
    Tensor p = Tensor.of(0f, 1f, 0f, 1f).requiresGrad(true);
    Tensor t = Tensor.of(0f, 1f, 1f, 0f);
    Tensor loss = Losses.binaryCrossEntropy(p, t, Reduction.SUM);
    loss.backward();
    // log clamps at -100, so a wrong certain answer costs 100; PyTorch's gradient: (p - t) / max(p(1-p), 1e-12)
    assertTrue(Math.abs(loss.item() - 200f) < 1e-3, "loss " + loss.item());
    assertArrayEquals(new float[] {0f, 0f, -1e12f, 1e12f}, p.grad().toArray(), 1e6f);
    assertTrue(p.grad().isFinite());
  }
}
