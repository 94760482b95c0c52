package dev.backflow.spark;

import static dev.backflow.spark.Fixtures.assertSameBits;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.backflow.nn.Module;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/**
 * local-cluster[2,1,1024]: a master, a worker and two executor JVMs of one core each, as Spark's own
 * DistributedSuite runs. Gradients now cross process boundaries (and the kernels run in other JVMs), and a
 * failed task is retried, possibly on the other executor: the bits still equal the single machine's.
 */
class SparkClusterTest {
  @Test
  void twoExecutorJvmsWithARetriedTaskAndTheRingModeEqualTheTrainerBitForBit() throws Exception {
    SparkSetup.ensureSparkHome();
    ModelFactory f = Fixtures::mlp;
    Module expected = Fixtures.singleMachine(f, Fixtures::adamW, 2, 8, 31, 2, Fixtures.data());
    try (JavaSparkContext sc = new JavaSparkContext(Fixtures.conf("local-cluster[2,1,1024]")
        .set("spark.task.maxFailures", "4"))) {
      sc.setLogLevel("ERROR");
      FailedTasks failures = new FailedTasks();
      sc.sc().addSparkListener(failures);
      Module model = f.create();
      DataParallelTrainer t = new DataParallelTrainer(sc, f, model, Fixtures.adamW(model), TrainingLoss.crossEntropy())
          .workers(2).microBatch(8).seed(31).failFirstAttempt(3, 0);
      t.fit(Fixtures.rdd(sc), 2);
      assertEquals(20, t.steps());
      assertSameBits(expected, model);
      assertEquals(1, failures.await(1), "the injected failure happened once and its retry succeeded");
      assertEquals(3, sc.sc().getExecutorMemoryStatus().size(), "the driver and two executor JVMs");
      // the ring all-reduce mode: the two executors exchange gradients over their own sockets
      AllReduceTrainer ring = new AllReduceTrainer(sc, f, Fixtures::adamW, TrainingLoss.crossEntropy()).workers(2).microBatch(8).seed(31);
      ring.fit(Fixtures.rdd(sc), 2);
      assertSameBits(expected, ring.model());
    }
  }
}
