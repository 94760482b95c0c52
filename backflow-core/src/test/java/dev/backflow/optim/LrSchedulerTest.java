package dev.backflow.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backflow.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** lambdaLr as PyTorch's LambdaLR; lastLr as get_last_lr. */
class LrSchedulerTest {
  @Test
  void lambdaLrScalesTheBaseRateByTheFunctionOfTheStep() {
    Sgd opt = new Sgd(List.of(Tensor.zeros(1).requiresGrad(true)), 0.5f);
    LrScheduler s = LrScheduler.lambdaLr(opt, step -> 1.0 / (step + 1));
    assertEquals(List.of(0.5), s.lastLr());
    s.step();
    assertEquals(0.25, s.lastLr().get(0), 1e-12);
    s.step();
    assertEquals(0.5 / 3, s.currentLr(), 1e-7);
    assertEquals(2, s.stepCount());
  }

  @Test
  void aFactorThatIsNotAFiniteNonNegativeNumberIsNamedWithItsStep() {
    Sgd opt = new Sgd(List.of(Tensor.zeros(1).requiresGrad(true)), 0.5f);
    LrScheduler s = LrScheduler.lambdaLr(opt, step -> step == 1 ? Double.NaN : 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, s::step);
    assertTrue(e.getMessage().contains("step 1"), e.getMessage());
  }
}
