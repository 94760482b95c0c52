package dev.backflow.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backflow.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** What the autograd engine promises beyond single-op gradients: accumulation, graph lifetime, modes, hooks. */
class AutogradSemanticsTest {

  @AfterEach
  void anomalyModeIsOffAfterEveryTest() {
    Autograd.detectAnomaly(false);
  }

  private static Tensor vec(float... v) {
    return Tensor.of(v).requiresGrad(true);
  }

  @Nested
  class Accumulation {
    @Test
    void gradientsAccumulateAcrossBackwardCallsUntilZeroGrad() {
      Tensor x = vec(1f, 2f);
      x.mul(x).sum().backward(); // 2x
      assertArrayEquals(new float[] {2, 4}, x.grad().toArray());
      x.mul(3f).sum().backward(); // + 3
      assertArrayEquals(new float[] {5, 7}, x.grad().toArray());
      x.zeroGrad();
      assertNull(x.grad());
      x.mul(3f).sum().backward();
      assertArrayEquals(new float[] {3, 3}, x.grad().toArray());
    }

    @Test
    void aSharedSubexpressionReceivesTheSumOfItsGradients() {
      // y = 2x; z = y*y + y + 3y  ->  dz/dy = 2y + 1 + 3, dz/dx = 2 (2y + 4)
      Tensor x = vec(1f, -2f);
      Tensor y = x.mul(2f).retainGrad();
      Tensor z = y.mul(y).add(y).add(y.mul(3f)).sum();
      z.backward();
      assertArrayEquals(new float[] {2 * 2 + 4, 2 * -4 + 4}, y.grad().toArray());
      assertArrayEquals(new float[] {2 * (2 * 2 + 4), 2 * (2 * -4 + 4)}, x.grad().toArray());
    }

    @Test
    void aDiamondGraphCountsEachPathOnce() {
      Tensor x = vec(3f);
      Tensor a = x.mul(2f), b = x.mul(5f);
      a.mul(b).sum().backward(); // 10 x^2 -> 20x
      assertArrayEquals(new float[] {60}, x.grad().toArray());
    }

    @Test
    void theSameTensorAsBothInputsOfAnOpGetsBothGradients() {
      Tensor x = vec(3f, -1f);
      x.mul(x).sum().backward();
      assertArrayEquals(new float[] {6, -2}, x.grad().toArray());
      x.zeroGrad();
      x.sub(x).add(x.div(x)).sum().backward(); // d(x - x + x/x)/dx = 0
      assertArrayEquals(new float[] {0, 0}, x.grad().toArray());
    }

    @Test
    void leafGradientsAreFreshTensorsNotAliasesOfTheSeed() {
      Tensor x = vec(1f, 2f);
      Tensor seed = Tensor.of(5f, 6f);
      x.add(0f).backward(seed);
      assertNotSame(Graph.array(seed).data(), Graph.array(x.grad()).data());
      seed.fill_(0f);
      assertArrayEquals(new float[] {5, 6}, x.grad().toArray());
      assertFalse(x.grad().requiresGrad(), "gradients are not themselves recorded");
    }

    @Test
    void inputsThatDoNotRequireGradGetNoGradient() {
      Tensor x = vec(1f, 2f);
      Tensor c = Tensor.of(3f, 4f);
      x.mul(c).sum().backward();
      assertNull(c.grad());
      assertArrayEquals(new float[] {3, 4}, x.grad().toArray());
    }
  }

  @Nested
  class GraphCutting {
    @Test
    void detachCutsTheGraph() {
      Tensor x = vec(2f, 3f);
      Tensor d = x.mul(x).detach();
      assertFalse(d.requiresGrad());
      assertNull(d.gradFn());
      d.mul(x).sum().backward(); // d is a constant x^2: gradient x^2, not 3x^2
      assertArrayEquals(new float[] {4, 9}, x.grad().toArray());
    }

    @Test
    void noGradRecordsNothingAndRestoresTheModeAfterwards() {
      Tensor x = vec(1f, 2f);
      assertTrue(Autograd.isGradEnabled());
      Tensor y;
      try (var g = Autograd.noGrad()) {
        assertFalse(Autograd.isGradEnabled());
        y = x.mul(2f).exp().sum();
        assertFalse(y.requiresGrad());
        assertNull(y.gradFn());
        try (var e = Autograd.enableGrad()) {
          assertTrue(Autograd.isGradEnabled());
          assertNotNull(x.mul(2f).gradFn(), "enableGrad records again inside noGrad");
        }
        assertFalse(Autograd.isGradEnabled(), "closing enableGrad restores noGrad");
      }
      assertTrue(Autograd.isGradEnabled());
      assertNotNull(x.mul(2f).gradFn());
      IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
      assertTrue(e.getMessage().contains("does not require grad"), e.getMessage());
    }

    @Test
    void noGradStateIsRestoredEvenWhenTheScopeThrows() {
      assertThrows(IllegalArgumentException.class, () -> {
        try (var g = Autograd.noGrad()) {
          Tensor.zeros(2).add(Tensor.zeros(3));
        }
      });
      assertTrue(Autograd.isGradEnabled());
    }

    @Test
    void gradModeIsPerThread() throws Exception {
      AtomicReference<Boolean> other = new AtomicReference<>();
      try (var g = Autograd.noGrad()) {
        Thread t = new Thread(() -> other.set(Autograd.isGradEnabled()));
        t.start();
        t.join();
      }
      assertTrue(other.get(), "another thread is not affected by this thread's noGrad");
    }

    @Test
    void requiresGradFalseIsRefusedOnAComputedTensor() {
      Tensor y = vec(1f).mul(2f);
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.requiresGrad(false));
      assertTrue(e.getMessage().contains("detach()"), e.getMessage());
    }
  }

  @Nested
  class NonLeafGradients {
    @Test
    void nonLeavesKeepNoGradientUnlessAskedToRetainIt() {
      Tensor x = vec(1f, 2f);
      Tensor h = x.mul(3f);
      Tensor kept = x.mul(4f).retainGrad();
      h.add(kept).mul(kept).sum().backward(); // L = (3x + 4x) * 4x = 28x^2
      assertNull(h.grad(), "non-leaf without retainGrad");
      assertFalse(h.isLeaf());
      assertTrue(kept.retainsGrad());
      // dL/dk = (h + k) + k = 11x; dL/dx = 3 k + 4 (h + 2k) = 56x
      assertArrayEquals(new float[] {11, 22}, kept.grad().toArray());
      assertArrayEquals(new float[] {56, 112}, x.grad().toArray());
    }
  }

  @Nested
  class GraphLifetime {
    @Test
    void aSecondBackwardThroughAFreedGraphFailsWithAClearMessage() {
      Tensor x = vec(1f, 2f);
      Tensor loss = x.mul(x).sum();
      loss.backward();
      IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
      String m = e.getMessage();
      assertTrue(m.contains("second time") && m.contains("freed"), m);
      assertTrue(m.contains("retain"), "the message should say how to keep the graph: " + m);
      assertTrue(loss.gradFn().isFreed());
    }

    @Test
    void aPassStoppedByAFreedNodeLeavesNothingOfItsGraphOnTheThread() {
      // The engine reuses each thread's plan and walk stacks; a walk that stops on a freed node below the root must
      // not leave the tensors it had reached there (nor the plan marked busy: the next pass must still work).
      Tensor x = vec(1f, 2f);
      Tensor a = x.mul(x);
      a.sum().backward(); // frees a's node
      Tensor c = a.mul(2f);
      java.lang.ref.WeakReference<Tensor> ref = new java.lang.ref.WeakReference<>(c);
      Tensor loss = c.sum();
      assertThrows(IllegalStateException.class, loss::backward);
      c = null;
      loss = null;
      for (int i = 0; i < 20 && ref.get() != null; i++) System.gc();
      assertNull(ref.get(), "a tensor of the failed pass is still reachable");
      x.zeroGrad();
      x.mul(3f).sum().backward();
      assertArrayEquals(new float[] {3, 3}, x.grad().toArray());
    }

    @Test
    void retainGraphAllowsASecondBackwardThatAccumulates() {
      Tensor x = vec(1f, 2f);
      Tensor loss = x.mul(x).sum();
      loss.backward(Tensor.scalar(1f), true);
      loss.backward(Tensor.scalar(1f), true);
      assertArrayEquals(new float[] {4, 8}, x.grad().toArray());
      loss.backward(Tensor.scalar(1f)); // the last pass may free it
      assertArrayEquals(new float[] {6, 12}, x.grad().toArray());
      assertThrows(IllegalStateException.class, loss::backward);
    }

    @Test
    void backwardOnANonScalarWithoutASeedNamesTheShape() {
      Tensor y = Tensor.ones(2, 3).requiresGrad(true).mul(2f);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, y::backward);
      assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
      assertTrue(e.getMessage().contains("scalar"), e.getMessage());
    }

    @Test
    void backwardWithASeedWorksOnANonScalar() {
      Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
      x.mul(3f).backward(Tensor.of(new float[] {1, 0, -1, 2, 0.5f, 0}, 2, 3));
      assertArrayEquals(new float[] {3, 0, -3, 6, 1.5f, 0}, x.grad().toArray());
    }

    @Test
    void aSeedOfTheWrongShapeIsRefused() {
      Tensor y = Tensor.ones(2, 3).requiresGrad(true).mul(2f);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> y.backward(Tensor.ones(3, 2)));
      assertTrue(e.getMessage().contains("[3, 2]") && e.getMessage().contains("[2, 3]"), e.getMessage());
    }

    @Test
    void aOneElementNonScalarBacksPropagatesWithoutASeed() {
      Tensor x = vec(2f);
      x.mul(x).backward(); // shape [1]
      assertArrayEquals(new float[] {4}, x.grad().toArray());
    }
  }

  @Nested
  class Hooks {
    @Test
    void aHookSeesTheGradientAndCanReplaceIt() {
      Tensor x = vec(1f, 2f);
      List<float[]> seen = new ArrayList<>();
      x.registerHook(g -> {
        seen.add(g.toArray());
        return g.mul(10f);
      });
      x.mul(3f).sum().backward();
      assertEquals(1, seen.size());
      assertArrayEquals(new float[] {3, 3}, seen.get(0));
      assertArrayEquals(new float[] {30, 30}, x.grad().toArray());
    }

    @Test
    void aHookOnAnIntermediateChangesWhatFlowsUpstream() {
      Tensor x = vec(1f, 2f);
      Tensor h = x.mul(2f);
      h.registerHook(g -> g.mul(0f).add(1f)); // replace dL/dh by ones
      h.mul(h).sum().backward(); // would be 2h
      assertArrayEquals(new float[] {2, 2}, x.grad().toArray());
    }

    @Test
    void aHookReturningNullKeepsTheGradientAndARemovedHookIsNotCalled() {
      Tensor x = vec(1f);
      int[] calls = {0};
      Tensor.HookHandle handle = x.registerHook(g -> {
        calls[0]++;
        return null;
      });
      x.mul(5f).sum().backward();
      assertEquals(1, calls[0]);
      assertArrayEquals(new float[] {5}, x.grad().toArray());
      handle.remove();
      x.mul(5f).sum().backward();
      assertEquals(1, calls[0]);
    }

    @Test
    void aHookOnATensorThatNeedsNoGradientIsRefused() {
      assertThrows(IllegalStateException.class, () -> Tensor.zeros(2).registerHook(g -> g));
    }
  }

  @Nested
  class DeepGraphs {
    @Test
    void aTenThousandOpChainBackpropagatesWithoutStackOverflowAndGetsTheRightGradient() throws Exception {
      // Run on a thread with a small stack: a recursive graph walk would overflow here.
      AtomicReference<Throwable> failure = new AtomicReference<>();
      float[] grad = new float[1];
      float[] value = new float[1];
      Thread t = new Thread(null, () -> {
        try {
          Tensor x = Tensor.scalar(1f).requiresGrad(true);
          Tensor y = x;
          for (int i = 0; i < 10_000; i++) y = i % 2 == 0 ? y.mul(1.0001f) : y.add(0.5f);
          y.backward();
          grad[0] = x.grad().item();
          value[0] = y.item();
        } catch (Throwable e) {
          failure.set(e);
        }
      }, "deep-chain", 256 * 1024);
      t.start();
      t.join();
      if (failure.get() != null) throw new AssertionError("deep chain failed", failure.get());
      // dy/dx = 1.0001^5000 (the adds contribute 1)
      assertEquals(Math.pow(1.0001, 5000), grad[0], 1e-3 * Math.pow(1.0001, 5000));
      assertTrue(value[0] > 2500, "the forward value is the chained one: " + value[0]);
    }

    @Test
    void aDeepChainOfTensorOpsWithSharedInputsAlsoBackpropagates() throws Exception {
      AtomicReference<Throwable> failure = new AtomicReference<>();
      float[] grad = new float[2];
      Thread t = new Thread(null, () -> {
        try {
          Tensor w = Tensor.of(1f, 1f).requiresGrad(true);
          Tensor y = Tensor.of(0f, 0f);
          for (int i = 0; i < 10_000; i++) y = y.add(w.mul(0.001f)); // y = 10 w
          y.sum().backward();
          grad[0] = w.grad().toArray()[0];
          grad[1] = w.grad().toArray()[1];
        } catch (Throwable e) {
          failure.set(e);
        }
      }, "deep-fan-in", 256 * 1024);
      t.start();
      t.join();
      if (failure.get() != null) throw new AssertionError("deep chain failed", failure.get());
      assertEquals(10f, grad[0], 1e-3f);
      assertEquals(10f, grad[1], 1e-3f);
    }
  }

  @Nested
  class InPlace {
    @Test
    void inPlaceOpsOnALeafThatRequiresGradAreRefusedWhileRecording() {
      Tensor w = vec(1f, 2f);
      for (Runnable op : List.<Runnable>of(() -> w.add_(Tensor.ones(2)), () -> w.sub_(Tensor.ones(2)),
          () -> w.mul_(2f), () -> w.div_(Tensor.ones(2)), () -> w.add_(1f), () -> w.fill_(0f),
          () -> w.copy_(Tensor.zeros(2)))) {
        IllegalStateException e = assertThrows(IllegalStateException.class, op::run);
        assertTrue(e.getMessage().contains("Autograd.noGrad()"), e.getMessage());
      }
      assertArrayEquals(new float[] {1, 2}, w.toArray(), "a refused in-place op changes nothing");
    }

    @Test
    void aRefusedInPlaceOpNamesItselfNotTheOpItIsBuiltOn() {
      Tensor w = vec(1f, 2f);
      assertTrue(assertThrows(IllegalStateException.class, () -> w.fill_(0f)).getMessage().startsWith("fill_: "));
      assertTrue(assertThrows(IllegalStateException.class, () -> w.copy_(Tensor.zeros(2))).getMessage().startsWith("copy_: "));
      Tensor y = w.mul(2f);
      assertTrue(assertThrows(IllegalStateException.class, () -> y.fill_(0f)).getMessage().startsWith("fill_: cannot change"));
      try (var g = Autograd.noGrad()) {
        String m = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2).copy_(Tensor.zeros(3))).getMessage();
        assertTrue(m.startsWith("copy_: shape [3] does not broadcast"), m);
      }
    }

    @Test
    void inPlaceOpsOnALeafWorkInsideNoGrad() {
      Tensor w = vec(1f, 2f);
      try (var g = Autograd.noGrad()) {
        w.sub_(Tensor.of(0.5f, 0.5f)).mul_(2f);
      }
      assertArrayEquals(new float[] {1, 3}, w.toArray());
      assertTrue(w.requiresGrad());
    }

    @Test
    void inPlaceOpsOnAComputedTensorAreRefused() {
      Tensor y = vec(1f, 2f).mul(2f);
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.add_(1f));
      assertTrue(e.getMessage().contains("MulBackward"), e.getMessage());
    }

    @Test
    void addScaledIsTheSubtractionOfTheScaledTensorBitForBit() {
      java.util.SplittableRandom rng = new java.util.SplittableRandom(7);
      for (int[] shapes : new int[][] {{3, 5, 3, 5}, {3, 5, 5}, {4, 4, 1, 4}, {6, 6, 6}}) {
        int[] target = {shapes[0], shapes[1]};
        int[] other = shapes.length == 4 ? new int[] {shapes[2], shapes[3]} : new int[] {shapes[2]};
        Tensor p = Tensor.randn(rng, target), q = p.detach().contiguous().mul(1f), g = Tensor.randn(rng, other);
        float lr = 0.37f;
        try (var scope = Autograd.noGrad()) {
          p.add_(g, -lr);
          q.sub_(g.mul(lr));
        }
        assertArrayEquals(q.toArray(), p.toArray(), 0f, "add_(g, -lr) against sub_(g * lr) for " + java.util.Arrays.toString(other));
      }
      Tensor w = vec(1f, 2f);
      assertTrue(assertThrows(IllegalStateException.class, () -> w.add_(Tensor.ones(2), 2f)).getMessage().contains("Autograd.noGrad()"));
      Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
      x.add_(x.mT(), 0.5f); // reads the old values of its own storage
      assertArrayEquals(new float[] {1.5f, 3.5f, 4f, 6f}, x.toArray());
      String m = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2).add_(Tensor.zeros(3), 1f)).getMessage();
      assertTrue(m.startsWith("add_: shape [3] does not broadcast"), m);
    }

    @Test
    void anInPlaceOpReadingItsOwnStorageSeesTheOldValues() {
      Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
      x.add_(x.mT()); // x + x^T computed from the old x
      assertArrayEquals(new float[] {2, 5, 5, 8}, x.toArray());
    }
  }

  @Nested
  class AnomalyMode {
    @Test
    void aForwardOpProducingNanNamesTheOpTheShapesAndTheCallSite() {
      Autograd.detectAnomaly(true);
      try {
        Tensor x = Tensor.of(new float[] {1f, -1f, 2f}, 3).requiresGrad(true);
        AnomalyException e = assertThrows(AnomalyException.class, () -> x.log());
        String m = e.getMessage();
        assertTrue(m.startsWith("log"), m);
        assertTrue(m.contains("[3]"), m);
        assertTrue(m.contains("AutogradSemanticsTest"), "the call site should be this test: " + m);

        Tensor zero = Tensor.zeros(2, 1);
        AnomalyException d = assertThrows(AnomalyException.class, () -> zero.div(Tensor.zeros(2)));
        assertTrue(d.getMessage().startsWith("div"), d.getMessage());
        assertTrue(d.getMessage().contains("[2, 1] and [2]"), d.getMessage());
        assertTrue(d.getMessage().contains("AutogradSemanticsTest"), d.getMessage());
        assertTrue(d.getMessage().contains("all finite"), d.getMessage());
      } finally {
        Autograd.detectAnomaly(false);
      }
    }

    @Test
    void anomalyModeOffLetsNanThrough() {
      assertFalse(Autograd.isAnomalyEnabled());
      Tensor y = assertDoesNotThrow(() -> Tensor.of(-1f).log());
      assertTrue(Float.isNaN(y.item()));
    }

    @Test
    void aBackwardStepProducingNanNamesTheBackwardNodeAndWhereTheOpWasCreated() {
      Autograd.detectAnomaly(true);
      try {
        Tensor x = Tensor.of(0f, 4f).requiresGrad(true);
        Tensor y = x.sqrt(); // finite forward; d sqrt/dx = 1/(2 sqrt x) is infinite at 0
        Tensor loss = y.sum();
        AnomalyException e = assertThrows(AnomalyException.class, loss::backward);
        String m = e.getMessage();
        assertTrue(m.contains("SqrtBackward"), "the message should name the backward node: " + m);
        assertTrue(m.contains("AutogradSemanticsTest"), "and where the sqrt was created: " + m);
      } finally {
        Autograd.detectAnomaly(false);
      }
    }

    @Test
    void aBackwardRuleReturningNanIsReportedNamingItsNode() {
      Autograd.detectAnomaly(true);
      try {
        Tensor x = Tensor.of(1f, 2f).requiresGrad(true);
        Tensor y = Graph.record("broken", Graph.array(x.detach()),
            (g, n) -> new Tensor[] {Tensor.full(Float.NaN, 2)}, x);
        AnomalyException e = assertThrows(AnomalyException.class, () -> y.sum().backward());
        assertTrue(e.getMessage().contains("BrokenBackward"), e.getMessage());
        assertTrue(e.getMessage().contains("[2]"), e.getMessage());
        assertNull(x.grad(), "nothing reached the leaf");
      } finally {
        Autograd.detectAnomaly(false);
      }
    }

    @Test
    void nodesRememberTheirCallSiteOnlyInAnomalyMode() {
      Tensor x = vec(1f);
      assertNull(x.mul(2f).gradFn().createdAt());
      Autograd.detectAnomaly(true);
      try {
        String at = x.mul(2f).gradFn().createdAt();
        assertNotNull(at);
        assertTrue(at.contains("AutogradSemanticsTest"), at);
      } finally {
        Autograd.detectAnomaly(false);
      }
    }
  }

  @Test
  void gradFnNamesFollowPyTorch() {
    Tensor x = vec(1f, 2f);
    assertEquals("MulBackward", x.mul(x).gradFn().name());
    assertEquals("AddBackward", x.add(x).gradFn().name());
    assertEquals("SumBackward", x.sum().gradFn().name());
    assertEquals("MatmulBackward", x.reshape(1, 2).matmul(x.reshape(2, 1)).gradFn().name());
    assertSame(null, x.gradFn());
    assertTrue(x.isLeaf());
  }
}
