package dev.backflow.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backflow.examples.XorNetwork;
import dev.backflow.tensor.Tensor;
import java.lang.ref.WeakReference;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The thread's tape of small recorded ops, which lets a plain backward skip the walk that orders the graph: it must
 * give what the walk gives, hold nothing it should not, and stay out of the way of graphs it cannot describe.
 */
class TapeTest {
  /** A small graph in which h feeds three ops and w two; the loss is the same function every call. */
  private static Tensor loss(Tensor w, Tensor b, Tensor x) {
    Tensor h = x.matmul(w).add(b).tanh();
    return h.mul(h).sum().add(h.sigmoid().mean()).add(w.square().sum().mul(0.1f));
  }

  private static Tensor[] params(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    return new Tensor[] {Tensor.randn(rng, 3, 4).requiresGrad(true), Tensor.randn(rng, 4).requiresGrad(true),
        Tensor.randn(rng, 5, 3)};
  }

  @Test
  void aPassFromTheTapeGivesTheGradientsOfAPassThatWalksTheGraph() {
    Tensor[] a = params(3), b = params(3);
    loss(a[0], a[1], a[2]).backward(); // small and recorded here: from the tape
    loss(b[0], b[1], b[2]).backward(null, true); // retainGraph: always the walk
    // The two orders add h's three contributions in different orders: equal up to rounding.
    float[] ga = a[0].grad().toArray(), gb = b[0].grad().toArray();
    for (int i = 0; i < ga.length; i++) assertEquals(gb[i], ga[i], 1e-6f * Math.max(1f, Math.abs(gb[i])));
    assertArrayEquals(b[1].grad().toArray(), a[1].grad().toArray(), 1e-6f);
  }

  @Test
  void aGraphThatLeavesTheTapeHalfwayIsWalkedAndStillRight() {
    // The trunk is large (not taped), the head small: the head's ops see an input that is not on the tape.
    SplittableRandom rng = new SplittableRandom(5);
    Tensor w = Tensor.randn(rng, 40, 40).requiresGrad(true);
    Tensor x = Tensor.randn(rng, 40, 40);
    Tensor trunk = x.matmul(w); // 1600 elements: off the tape
    trunk.sum(0).tanh().sum().backward();
    Tensor w2 = Tensor.of(w.toArray(), 40, 40).requiresGrad(true);
    Tensor expected = Autograd.grad(new Tensor[] {x.matmul(w2).sum(0).tanh().sum()}, new Tensor[] {w2}, null, false,
        false, false)[0];
    assertArrayEquals(expected.toArray(), w.grad().toArray(), 1e-5f);
  }

  @Test
  void aSecondRootOverATrunkTheFirstPassFreedFailsBeforeAnyGradientMoves() {
    Tensor x = Tensor.of(new float[] {1, 2}).requiresGrad(true);
    Tensor trunk = x.mul(x);
    Tensor first = trunk.sum();
    Tensor second = trunk.mul(3f).sum(); // recorded before the first pass, over the same trunk
    first.backward(); // from the tape; frees the trunk's node
    float[] afterFirst = x.grad().toArray();
    IllegalStateException e = assertThrows(IllegalStateException.class, second::backward);
    assertTrue(e.getMessage().contains("second time"), e.getMessage());
    assertArrayEquals(afterFirst, x.grad().toArray(), 0f, "the failed pass must not have added anything");
  }

  @Test
  void aPassThatWalksAndFreesTapedNodesEndsTheTapeSoALaterPassFailsCleanly() {
    Tensor x = Tensor.of(new float[] {1, 2}).requiresGrad(true);
    Tensor z = Tensor.of(new float[] {3, 4}).requiresGrad(true);
    Tensor trunk = x.mul(x); // on the tape
    Tensor second = trunk.mul(3f).sum().add(z.sum()); // on the tape; z's slot lies above the trunk's
    Tensor first = trunk.expand(1000, 2).sum(); // 2000 elements: off the tape, so this pass walks
    first.backward(); // frees the trunk's node
    assertThrows(IllegalStateException.class, second::backward);
    assertNull(z.grad(), "the failed pass reached a leaf before the freed node");
  }

  @Test
  void autogradGradThatFreesTapedNodesEndsTheTapeToo() {
    Tensor x = Tensor.of(new float[] {1, 2}).requiresGrad(true);
    Tensor z = Tensor.of(new float[] {3, 4}).requiresGrad(true);
    Tensor trunk = x.mul(x);
    Tensor second = trunk.mul(3f).sum().add(z.sum());
    Autograd.grad(new Tensor[] {trunk.sum()}, new Tensor[] {x}, null, false, false, false); // frees the trunk's node
    assertThrows(IllegalStateException.class, second::backward);
    assertNull(z.grad(), "the failed pass reached a leaf before the freed node");
  }

  @Test
  void opsRecordedByAHookDuringAPassGoToAnotherTapeAndDoNotDisturbIt() {
    Tensor x = Tensor.of(new float[] {0.5f, -1f}).requiresGrad(true);
    Tensor h = x.mul(2f);
    float[] inner = new float[2];
    h.registerHook(g -> {
      // A small backward of its own, recorded and run while the outer pass is sweeping.
      try (var on = Autograd.enableGrad()) {
        Tensor y = Tensor.of(new float[] {1f, 2f}).requiresGrad(true);
        y.mul(y).sum().backward();
        System.arraycopy(y.grad().toArray(), 0, inner, 0, 2);
      }
      return null;
    });
    h.tanh().sum().backward();
    assertArrayEquals(new float[] {2, 4}, inner, 0f);
    float[] g = x.grad().toArray();
    for (int i = 0; i < 2; i++) {
      double t = Math.tanh(2 * x.toArray()[i]);
      assertEquals(2 * (1 - t * t), g[i], 1e-6);
    }
  }

  @Test
  void theTapeHoldsNoLargeTensorAndForgetsSmallOnesItCannotUse() {
    // A large activation computed with grad on and never backpropagated: only the user holds it.
    Tensor w = Tensor.randn(new SplittableRandom(1), 64, 64).requiresGrad(true);
    Tensor big = w.mul(2f);
    WeakReference<Tensor> bigRef = new WeakReference<>(big);
    Tensor smallOfBig = big.sum(); // its input is not on the tape, so neither is it
    WeakReference<Tensor> smallOfBigRef = new WeakReference<>(smallOfBig);
    // A small graph recorded and dropped; then more small ops than the tape holds, so it starts afresh.
    Tensor v = Tensor.of(new float[] {1, 2}).requiresGrad(true);
    WeakReference<Tensor> earlyRef = new WeakReference<>(v.mul(3f));
    for (int i = 0; i < BackwardEngine.TAPE_CAP + 10; i++) v.add(1f);
    // A large output of a small input (after the tape started afresh, which would forget it anyway).
    WeakReference<Tensor> wideRef = new WeakReference<>(v.expand(1000, 2).mul(1f));
    big = null;
    smallOfBig = null;
    for (int i = 0; i < 20 && (bigRef.get() != null || smallOfBigRef.get() != null || earlyRef.get() != null
        || wideRef.get() != null); i++) {
      System.gc();
    }
    assertNull(bigRef.get(), "a large activation is kept alive");
    assertNull(smallOfBigRef.get(), "a tensor computed from one off the tape is kept alive");
    assertNull(earlyRef.get(), "the tape keeps more than it can hold");
    assertNull(wideRef.get(), "a large output of small inputs is kept alive");
  }

  @Test
  void twoXorTrainingsAtOnceGiveTheBitsOfEachAlone() throws Exception {
    int steps = 3000;
    float[][] solo = new float[2][];
    for (int t = 0; t < 2; t++) solo[t] = train(XorNetwork.initialize(t), steps);
    float[][] together = new float[2][];
    // Each thread makes its own network once both are running.
    TwoThreads.run(id -> together[id] = train(XorNetwork.initialize(id), steps));
    for (int t = 0; t < 2; t++) assertArrayEquals(solo[t], together[t], 0f, "training " + t);
  }

  @Test
  void twoThreadsTapingOpsOnASharedLeafRouteEveryGradientRight() throws Exception {
    // Both threads' tapes mark the same leaf, and keep taking it from each other; each thread's own gradient (kept on
    // its own intermediate) must still be the one it gets alone.
    SplittableRandom rng = new SplittableRandom(9);
    Tensor w = Tensor.randn(rng, 3, 3).requiresGrad(true);
    Tensor[] xs = {Tensor.randn(rng, 3, 2), Tensor.randn(rng, 3, 2)};
    float[][] expected = {ownGradient(w, xs[0]), ownGradient(w, xs[1])};
    TwoThreads.run(id -> {
      for (int i = 0; i < 5000; i++) {
        float[] g = ownGradient(w, xs[id]);
        for (int k = 0; k < g.length; k++) {
          assertEquals(expected[id][k], g[k], 1e-6f * Math.max(1f, Math.abs(expected[id][k])), "thread " + id + ", step " + i);
        }
      }
    });
  }

  /** dL/du for u = w · 1, which the loss reads twice; L backpropagated with a plain backward (the tape's path). */
  private static float[] ownGradient(Tensor w, Tensor x) {
    Tensor u = w.mul(1f).retainGrad();
    u.matmul(x).sigmoid().sum().add(u.square().sum().mul(0.1f)).backward();
    return u.grad().toArray();
  }

  private static float[] train(XorNetwork net, int steps) {
    for (int i = 0; i < steps; i++) net.stepWithAutograd(0.5f);
    Tensor[] p = {net.w1, net.b1, net.w2, net.b2};
    float[] all = new float[9];
    int at = 0;
    for (Tensor t : p) for (float f : t.toArray()) all[at++] = f;
    return all;
  }
}
