package dev.backflow.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.backflow.autograd.Autograd;
import dev.backflow.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The single sigmoid neuron of the docs: x=2, w=0.5, b=0.1, target 1, squared error, lr 0.1. */
class WorkedExampleTest {

  private static void assertSix(double expected, double actual, String what) {
    assertEquals(expected, Math.round(actual * 1e6) / 1e6, 1e-12, what + " to 6 decimals (was " + actual + ")");
  }

  @Test
  void singleNeuronComesOutExactlyAsTheWorkedExample() {
    Tensor x = Tensor.scalar(2f);
    Tensor w = Tensor.scalar(0.5f).requiresGrad(true);
    Tensor b = Tensor.scalar(0.1f).requiresGrad(true);
    Tensor z = w.mul(x).add(b).retainGrad();
    Tensor yHat = z.sigmoid().retainGrad();
    Tensor loss = yHat.rsub(1f).square();

    loss.backward();

    assertSix(1.1, z.item(), "z");
    assertSix(0.750260, yHat.item(), "ŷ");
    assertSix(0.062370, loss.item(), "L");
    assertSix(-0.499480, yHat.grad().item(), "∂L/∂ŷ");
    assertSix(0.187370, yHat.item() * (1 - yHat.item()), "∂ŷ/∂z");
    assertSix(-0.187175, w.grad().item(), "∂L/∂w");
    assertSix(-0.093587, b.grad().item(), "∂L/∂b");
    assertSix(-0.093587, z.grad().item(), "∂L/∂z");

    try (var g = Autograd.noGrad()) {
      w.sub_(w.grad().mul(0.1f));
    }
    assertSix(0.518717, w.item(), "w after one update");
  }

  @Test
  void theArticlesRoundedFiguresFollowFromRoundingYHatFirst() {
    // The article rounds ŷ to 0.75 before the backward pass: ∂L/∂ŷ = -0.5, ∂ŷ/∂z = 0.1875, so
    // ∂L/∂w = -0.5 * 0.1875 * 2 = -0.1875 and w = 0.5 + 0.01875 = 0.51875. The exact ŷ = 0.750260 moves
    // both in the fourth decimal: -0.187175 and 0.518717.
    Tensor yHat = Tensor.scalar(0.75f).requiresGrad(true);
    Tensor z = Tensor.scalar(1.1f);
    Tensor dYdZ = yHat.detach().mul(yHat.detach().rsub(1f));
    Tensor loss = yHat.rsub(1f).square();
    loss.backward();
    float dLdw = yHat.grad().item() * dYdZ.item() * 2f;
    assertEquals(-0.1875f, dLdw, 1e-7);
    assertEquals(0.51875f, 0.5f - 0.1f * dLdw, 1e-7);
    assertEquals(1.1f, z.item(), 0);
  }

  @Test
  void articleRoundingComputesTheRoundedStepWithTheEngine() {
    ArticleRounding a = ArticleRounding.of(SingleNeuron.run(2f, 0.5f, 0.1f, 1f, 0.1f));
    assertEquals(0.75, a.yHat());
    assertEquals(0.0625, a.loss());
    assertEquals(-0.5, a.dLdyHat());
    assertEquals(0.1875, a.dyHatdz());
    assertEquals(-0.1875, a.dLdw());
    assertEquals(-0.09375, a.dLdb());
    assertEquals(0.51875f, (float) a.newW());
    assertEquals(0.109375f, (float) a.newB(), 1e-7);
  }
}
