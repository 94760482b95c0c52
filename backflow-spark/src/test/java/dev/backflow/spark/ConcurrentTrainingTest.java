package dev.backflow.spark;

import static dev.backflow.spark.Fixtures.assertSameBits;

import dev.backflow.nn.Module;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * local[2] runs two tasks' forward and backward passes at once in one JVM, sharing Backflow's process-wide state
 * (the backend and its kernel threads): each training must still get the bits it gets alone.
 */
class ConcurrentTrainingTest {
  @Test
  void twoModelsTrainedConcurrentlyGetTheirSingleThreadedBits() throws Exception {
    ModelFactory f = Fixtures::mlp;
    Module soloA = Fixtures.singleMachine(f, Fixtures::adamW, 2, 8, 1, 4, Fixtures.data());
    Module soloB = Fixtures.singleMachine(f, Fixtures::sgdMomentum, 1, 16, 2, 4, Fixtures.data());
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 3; round++) {
        Future<Module> a = pool.submit(() -> Fixtures.singleMachine(f, Fixtures::adamW, 2, 8, 1, 4, Fixtures.data()));
        Future<Module> b = pool.submit(() -> Fixtures.singleMachine(f, Fixtures::sgdMomentum, 1, 16, 2, 4, Fixtures.data()));
        assertSameBits(soloA, a.get());
        assertSameBits(soloB, b.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void twoWideModelsWhoseKernelsSplitOverTheKernelThreadsGetTheirSoloBits() throws Exception {
    // products of 64 x 256 x 512 are large enough for the CPU backend to split them over its kernel threads
    ModelFactory f = () -> new dev.backflow.nn.Sequential(new dev.backflow.nn.Linear(256, 512, new java.util.SplittableRandom(4)),
        dev.backflow.nn.Activation.relu(), new dev.backflow.nn.Linear(512, 10, new java.util.SplittableRandom(5)));
    java.util.SplittableRandom rng = new java.util.SplittableRandom(8);
    float[] x = new float[512 * 256], y = new float[512];
    for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
    for (int i = 0; i < y.length; i++) y[i] = rng.nextInt(10);
    var data = new dev.backflow.data.TensorDataset(dev.backflow.tensor.Tensor.of(x, 512, 256), dev.backflow.tensor.Tensor.of(y, 512));
    Module soloA = Fixtures.singleMachine(f, Fixtures::adamW, 2, 32, 1, 1, data);
    Module soloB = Fixtures.singleMachine(f, Fixtures::sgdMomentum, 1, 64, 2, 1, data);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<Module> a = pool.submit(() -> Fixtures.singleMachine(f, Fixtures::adamW, 2, 32, 1, 1, data));
      Future<Module> b = pool.submit(() -> Fixtures.singleMachine(f, Fixtures::sgdMomentum, 1, 64, 2, 1, data));
      assertSameBits(soloA, a.get());
      assertSameBits(soloB, b.get());
    } finally {
      pool.shutdownNow();
    }
  }
}
