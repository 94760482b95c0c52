package dev.backflow.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.backflow.amp.MixedPrecisionSequential;
import dev.backflow.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Activation layers: the kind they report, the names they print, and the op each one runs. */
class ActivationTest {
  private static final Tensor X = Tensor.of(-3f, -0.5f, 0f, 0.25f, 2f, 30f);

  @Test
  void eachFactoryReportsItsKindAndPrintsThePyTorchName() {
    assertEquals(Activation.Kind.RELU, Activation.relu().kind());
    assertEquals(Activation.Kind.SIGMOID, Activation.sigmoid().kind());
    assertEquals(Activation.Kind.TANH, Activation.tanh().kind());
    assertEquals(Activation.Kind.GELU, Activation.gelu().kind());
    assertEquals(Activation.Kind.GELU_TANH, Activation.geluTanh().kind());
    assertEquals(Activation.Kind.SOFTPLUS, Activation.softplus().kind());
    assertEquals("ReLU", Activation.relu().name());
    assertEquals("Sigmoid", Activation.sigmoid().name());
    assertEquals("Tanh", Activation.tanh().name());
    assertEquals("GELU", Activation.gelu().name());
    assertEquals("GELU(tanh)", Activation.geluTanh().name());
    assertEquals("Softplus()", Activation.softplus().toString());
  }

  @Test
  void leakyReluCarriesItsSlope() {
    Activation a = Activation.leakyRelu(0.2f);
    assertEquals(Activation.Kind.LEAKY_RELU, a.kind());
    assertEquals(0.2f, a.negativeSlope());
    assertEquals("LeakyReLU(0.2)", a.name());
    assertEquals(0.01f, Activation.named("leaky_relu").negativeSlope());
    assertEquals(0f, Activation.relu().negativeSlope());
  }

  @Test
  void forwardRunsTheOpOfItsKind() {
    assertArrayEquals(X.relu().toArray(), Activation.relu().forward(X).toArray());
    assertArrayEquals(X.leakyRelu(0.2f).toArray(), Activation.leakyRelu(0.2f).forward(X).toArray());
    assertArrayEquals(X.sigmoid().toArray(), Activation.sigmoid().forward(X).toArray());
    assertArrayEquals(X.tanh().toArray(), Activation.tanh().forward(X).toArray());
    assertArrayEquals(X.gelu().toArray(), Activation.gelu().forward(X).toArray());
    assertArrayEquals(X.gelu(true).toArray(), Activation.geluTanh().forward(X).toArray());
    assertArrayEquals(X.softplus().toArray(), Activation.softplus().forward(X).toArray());
  }

  @Test
  void namedAcceptsTheCliSpellingsAndListsThemWhenWrong() {
    assertEquals(Activation.Kind.LEAKY_RELU, Activation.named("LeakyReLU").kind());
    assertEquals(Activation.Kind.GELU, Activation.named("gelu").kind());
    var e = assertThrows(IllegalArgumentException.class, () -> Activation.named("swish"));
    assertEquals("unknown activation 'swish' (expected relu, leaky_relu, sigmoid, tanh or gelu)", e.getMessage());
  }

  @Test
  void mixedPrecisionRefusesKindsWithoutAnOutputOnlyDerivative() {
    SplittableRandom rng = new SplittableRandom(1);
    for (Activation a : new Activation[] {Activation.leakyRelu(0.01f), Activation.gelu(), Activation.softplus()}) {
      Sequential s = new Sequential(new Linear(2, 3, rng), a);
      var e = assertThrows(IllegalArgumentException.class, () -> new MixedPrecisionSequential(s));
      assertEquals("mixed precision supports Linear and ReLU/Sigmoid/Tanh layers; layer 1 is " + a, e.getMessage());
    }
  }
}
