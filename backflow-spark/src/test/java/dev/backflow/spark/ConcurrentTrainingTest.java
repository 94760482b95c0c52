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
}
