package dev.backflow.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backflow.nn.Linear;
import dev.backflow.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** An optimizer refusing a parameter says which one (its position and shape, and where to read its name) and why. */
class ParamGroupTest {

  @Test
  void aFrozenParameterIsNamedByPositionAndShapeWithTheWayToLeaveItOut() {
    Linear layer = new Linear(3, 2, new SplittableRandom(0));
    layer.bias.requiresGrad(false);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Adam(layer.parameters(), 0.01));
    assertEquals("optimizer: parameter 1 of 2 (shape [2]; entry 1 of model.namedParameters() names it, in the same order) "
        + "does not require grad (frozen?), so it would never be stepped; pass only trainable ones, "
        + "e.g. parameters().stream().filter(Tensor::requiresGrad).toList()", e.getMessage());
    assertEquals("bias", List.copyOf(layer.namedParameters().keySet()).get(1), "the entry the message points to");
  }

  @Test
  void aComputedTensorIsNamedWithTheOpThatMadeIt() {
    Tensor w = Tensor.ones(2, 2).requiresGrad(true);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Sgd(List.of(w, w.mul(2f)), 0.1));
    assertTrue(e.getMessage().startsWith("optimizer: parameter 1 of 2 (shape [2, 2]; "), e.getMessage());
    assertTrue(e.getMessage().contains("was computed by "), e.getMessage());
    assertTrue(e.getMessage().contains("pass the leaf tensors"), e.getMessage());
  }
}
