package dev.backflow.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backflow.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * grad() of a tensor computed by an op is null unless retainGrad() was called; reading that null warns once per
 * line, as PyTorch's .grad of a non-leaf does, instead of passing for "no gradient".
 */
class NonLeafGradWarningTest {

  @Test
  void readingTheNullGradOfANonLeafWarnsOncePerLineAndSaysToRetainIt() {
    Tensor w = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
    Tensor y = w.mul(w);
    y.sum().backward();
    List<String> first = Warnings.record(() -> {
      for (int i = 0; i < 3; i++) assertNull(y.grad());
    });
    assertEquals(1, first.size(), "a loop over one line warns once: " + first);
    String m = first.get(0);
    assertTrue(m.startsWith("grad(): this tensor [2] was computed by "), m);
    assertTrue(m.contains("call retainGrad() on it before backward()"), m);
    assertTrue(m.contains("NonLeafGradWarningTest.java:"), "names the user's line: " + m);
    assertEquals(1, Warnings.record(() -> assertNull(y.grad())).size(), "another line warns again");
    assertEquals(0, Warnings.record(() -> assertNotNull(w.grad())).size(), "a leaf's grad is no mistake");
  }

  @Test
  void aRetainedNonLeafOrAnUnrecordedTensorDoesNotWarn() {
    Tensor w = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
    Tensor y = w.mul(3f).retainGrad();
    assertEquals(0, Warnings.record(() -> assertNull(y.grad())).size(), "retained, before backward");
    y.sum().backward();
    assertEquals(0, Warnings.record(() -> assertEquals(1f, y.grad().toArray()[0])).size());
    assertEquals(0, Warnings.record(() -> assertNull(Tensor.zeros(2).grad())).size(), "a plain tensor is a leaf");
  }
}
