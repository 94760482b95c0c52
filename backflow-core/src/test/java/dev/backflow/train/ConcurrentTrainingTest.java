package dev.backflow.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.backflow.backend.Backends;
import dev.backflow.examples.XorNetwork;
import dev.backflow.nn.Activation;
import dev.backflow.nn.Linear;
import dev.backflow.nn.Sequential;
import dev.backflow.ops.Losses;
import dev.backflow.optim.Sgd;
import dev.backflow.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Two trainings in one JVM (a server's requests, Spark's task threads) each get the bits they get alone,
 * also when one of them captures and replays its step: the backend a capture records through is the
 * capturing thread's own.
 */
class ConcurrentTrainingTest {

  /** An MLP trained with momentum SGD for a fixed number of steps; returns every parameter's raw bits. */
  private static int[] trainMlp(long seed, int steps) {
    SplittableRandom rng = new SplittableRandom(seed);
    var model = new Sequential(new Linear(6, 32, rng), Activation.tanh(), new Linear(32, 4, rng));
    var opt = new Sgd(model.parameters(), 0.05, 0.9, 0, 0, false);
    SplittableRandom data = new SplittableRandom(seed + 1);
    for (int s = 0; s < steps; s++) {
      float[] xs = new float[16 * 6], ys = new float[16 * 4];
      for (int i = 0; i < xs.length; i++) xs[i] = (float) data.nextGaussian();
      for (int i = 0; i < ys.length; i++) ys[i] = (float) data.nextGaussian();
      opt.zeroGrad();
      Losses.mseLoss(model.forward(Tensor.of(xs, 16, 6)), Tensor.of(ys, 16, 4)).backward();
      opt.step();
    }
    return bits(model.parameters().toArray(new Tensor[0]));
  }

  /** The XOR network trained by a captured step, replayed {@code steps} times. */
  private static int[] trainXorCaptured(long seed, int steps) {
    XorNetwork net = XorNetwork.initialize(seed);
    CapturedStep step = net.capture(0.5f);
    for (int i = 0; i < steps; i++) step.run();
    return bits(net.parameters());
  }

  private static int[] bits(Tensor[] params) {
    List<Integer> out = new ArrayList<>();
    for (Tensor p : params) for (float f : p.toArray()) out.add(Float.floatToRawIntBits(f));
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  @Test
  void twoTrainingsOneCapturedGetTheirSoloBits() throws Exception {
    int[] mlpSolo = trainMlp(3, 150), xorSolo = trainXorCaptured(1, 3000);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      for (int round = 0; round < 4; round++) {
        CountDownLatch start = new CountDownLatch(1);
        Callable<int[]> mlp = () -> { start.await(); return trainMlp(3, 150); };
        Callable<int[]> xor = () -> { start.await(); return trainXorCaptured(1, 3000); };
        // A third thread capturing and replaying its own steps in a loop at the same time.
        Callable<int[]> churn = () -> {
          start.await();
          for (int i = 0; i < 20; i++) trainXorCaptured(i, 50);
          return new int[0];
        };
        Future<int[]> a = pool.submit(mlp), b = pool.submit(xor), c = pool.submit(churn);
        start.countDown();
        assertArrayEquals(mlpSolo, a.get(), "round " + round + ": the eager MLP's parameters");
        assertArrayEquals(xorSolo, b.get(), "round " + round + ": the captured XOR network's parameters");
        c.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** The reproduction: another thread's in-place update during a capture is neither recorded nor replayed. */
  @Test
  void anotherThreadsOpsDuringACaptureStayEager() throws Exception {
    Tensor p = Tensor.zeros(3);
    Tensor x = Tensor.ones(3);
    CountDownLatch inside = new CountDownLatch(1), done = new CountDownLatch(1);
    var eager = Backends.current();
    Thread capturer = new Thread(() -> {
      CapturedStep step = CapturedStep.capture(() -> {
        inside.countDown();
        try {
          done.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        return x.mul(2f);
      }, 0);
      assertEquals(1, step.calls(), "only the capturing thread's kernel call is recorded");
      for (int i = 0; i < 10; i++) step.run();
    });
    capturer.start();
    inside.await();
    assertSame(eager, Backends.current(), "this thread keeps its eager backend while another captures");
    p.add_(Tensor.ones(3));
    done.countDown();
    capturer.join();
    assertArrayEquals(new float[] {1, 1, 1}, p.toArray(), 0f);
  }

  @Test
  void twoThreadsMayCaptureAtOnce() throws Exception {
    int[] solo = trainXorCaptured(5, 500);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CountDownLatch start = new CountDownLatch(1);
      Callable<int[]> job = () -> { start.await(); return trainXorCaptured(5, 500); };
      Future<int[]> a = pool.submit(job), b = pool.submit(job);
      start.countDown();
      assertArrayEquals(solo, a.get());
      assertArrayEquals(solo, b.get());
    } finally {
      pool.shutdownNow();
    }
  }

  /** Layers built and dropout drawn from the default generator: each thread's stream is its own. */
  private static int[] seededFromTheDefaultGenerator(long seed) {
    dev.backflow.Backflow.manualSeed(seed);
    var model = new Sequential(new Linear(16, 32), Activation.relu(), new dev.backflow.nn.Dropout(0.5f), new Linear(32, 4));
    Tensor out = model.forward(Tensor.ones(64, 16));
    int[] w = bits(model.parameters().toArray(new Tensor[0])), o = bits(new Tensor[] {out});
    int[] all = java.util.Arrays.copyOf(w, w.length + o.length);
    System.arraycopy(o, 0, all, w.length, o.length);
    return all;
  }

  @Test
  void theDefaultGeneratorGivesEachThreadItsSoloStream() throws Exception {
    int[] solo = seededFromTheDefaultGenerator(11);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 20; round++) {
        CountDownLatch start = new CountDownLatch(1);
        Callable<int[]> job = () -> { start.await(); return seededFromTheDefaultGenerator(11); };
        Future<int[]> a = pool.submit(job), b = pool.submit(job);
        start.countDown();
        assertArrayEquals(solo, a.get(), "round " + round);
        assertArrayEquals(solo, b.get(), "round " + round);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
