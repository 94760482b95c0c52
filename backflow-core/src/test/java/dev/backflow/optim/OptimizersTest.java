package dev.backflow.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.backflow.tensor.Tensor;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The optimizer registry the command line and the page share: each name builds the optimizer it stands for. */
class OptimizersTest {

  @Test
  void listsTheNamesInOrderAndRefusesAnUnknownOneWithThem() {
    assertEquals(List.of("sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw"), Optimizers.names());
    var e = assertThrows(IllegalArgumentException.class, () -> Optimizers.create("adagrad", List.of(param()), 0.1));
    assertEquals("unknown optimizer 'adagrad' (expected sgd, momentum, nesterov, rmsprop, adam or adamw)", e.getMessage());
  }

  @Test
  void eachNameStepsExactlyAsItsOptimizerWithPyTorchsDefaults() {
    check("sgd", p -> new Sgd(p, 0.1));
    check("momentum", p -> new Sgd(p, 0.1, 0.9, 0, 0, false));
    check("nesterov", p -> new Sgd(p, 0.1, 0.9, 0, 0, true));
    check("rmsprop", p -> new RmsProp(p, 0.1));
    check("adam", p -> new Adam(p, 0.1));
    check("adamw", p -> new AdamW(p, 0.1, 0.9, 0.999, 1e-8, 0.01));
  }

  @Test
  void aGivenWeightDecayReplacesTheDefault() {
    Optimizers.Options wd = Optimizers.Options.DEFAULTS.withWeightDecay(0.05);
    assertEquals(0.05, Optimizers.create("adamw", List.of(param()), 0.1, wd).paramGroups().get(0).weightDecay());
    assertEquals(0.05, Optimizers.create("sgd", List.of(param()), 0.1, wd).paramGroups().get(0).weightDecay());
    assertEquals(0.01, Optimizers.create("adamw", List.of(param()), 0.1).paramGroups().get(0).weightDecay());
    assertEquals(0.0, Optimizers.create("adam", List.of(param()), 0.1).paramGroups().get(0).weightDecay());
  }

  private static Tensor param() {
    return Tensor.of(0.5f, -1.5f, 2f).requiresGrad(true);
  }

  /** Three steps with the same gradients from the registry and from the constructor: the same bits. */
  private static void check(String name, Function<List<Tensor>, Optimizer> direct) {
    Tensor a = param(), b = param();
    Optimizer fromName = Optimizers.create(name, List.of(a), 0.1), expected = direct.apply(List.of(b));
    assertEquals(expected.getClass(), fromName.getClass(), name);
    for (int i = 0; i < 3; i++) {
      a.setGrad(Tensor.of(0.3f * (i + 1), -0.2f, 1f));
      b.setGrad(Tensor.of(0.3f * (i + 1), -0.2f, 1f));
      fromName.step();
      expected.step();
    }
    assertArrayEquals(b.toArray(), a.toArray(), 0f, name);
  }
}
