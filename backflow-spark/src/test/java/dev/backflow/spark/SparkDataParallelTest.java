package dev.backflow.spark;

import static dev.backflow.spark.Fixtures.assertSameBits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backflow.data.DataLoader;
import dev.backflow.data.EpochOrder;
import dev.backflow.data.TensorDataset;
import dev.backflow.nn.Module;
import dev.backflow.optim.Optimizer;
import dev.backflow.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The equivalence contract on {@code local[2,4]}: two task threads in one JVM (closures and results still
 * serialized), a task retried up to 4 times.
 */
class SparkDataParallelTest {
  private static JavaSparkContext sc;

  @BeforeAll
  static void start() {
    sc = new JavaSparkContext(Fixtures.conf("local[2,4]"));
    sc.setLogLevel("ERROR");
  }

  @AfterAll
  static void stop() {
    if (sc != null) sc.stop();
  }

  private static DataParallelTrainer trainer(Module model, Optimizer opt, ModelFactory factory, int k, int n, long seed) {
    return new DataParallelTrainer(sc, factory, model, opt, TrainingLoss.crossEntropy()).workers(k).microBatch(n).seed(seed);
  }

  private static Module spark(ModelFactory factory, Function<Module, Optimizer> opt, int k, int n, long seed, int epochs)
      throws IOException {
    Module model = factory.create();
    DataParallelTrainer t = trainer(model, opt.apply(model), factory, k, n, seed);
    t.fit(Fixtures.rdd(sc), epochs);
    assertEquals((long) epochs * (Fixtures.EXAMPLES / (k * n)), t.steps());
    return model;
  }

  @Test
  void twoWorkersWithSgdMomentumEqualTheTrainerAccumulatingTwoMicroBatches() throws IOException {
    ModelFactory f = Fixtures::mlp;
    Module single = Fixtures.singleMachine(f, Fixtures::sgdMomentum, 2, 8, 5, 3, Fixtures.data()); // 30 steps
    Module spark = spark(f, Fixtures::sgdMomentum, 2, 8, 5, 3);
    assertSameBits(single, spark);
    assertFalse(Fixtures.sameBits(f.create(), spark), "training moved the parameters");
  }

  @Test
  void twoAndFourWorkersWithAdamWEqualTheTrainer() throws IOException {
    ModelFactory f = Fixtures::mlp;
    assertSameBits(Fixtures.singleMachine(f, Fixtures::adamW, 2, 8, 9, 2, Fixtures.data()), spark(f, Fixtures::adamW, 2, 8, 9, 2));
    // more partitions than task threads: the fold order is still partition order
    assertSameBits(Fixtures.singleMachine(f, Fixtures::adamW, 4, 4, 9, 2, Fixtures.data()), spark(f, Fixtures::adamW, 4, 4, 9, 2));
  }

  @Test
  void theSameSeedGivesTheSameBitsAndAnotherSeedOthers() throws IOException {
    ModelFactory f = Fixtures::mlp;
    Module a = spark(f, Fixtures::adamW, 2, 8, 21, 2), b = spark(f, Fixtures::adamW, 2, 8, 21, 2);
    assertSameBits(a, b);
    assertFalse(Fixtures.sameBits(a, spark(f, Fixtures::adamW, 2, 8, 22, 2)), "the seed orders the epochs");
  }

  @Test
  void aTaskThatFailsOnItsFirstAttemptIsRetriedAndChangesNoBit() throws Exception {
    ModelFactory f = Fixtures::mlp;
    FailedTasks failures = new FailedTasks();
    sc.sc().addSparkListener(failures);
    Module model = f.create();
    DataParallelTrainer t = trainer(model, Fixtures.adamW(model), f, 2, 8, 4).failFirstAttempt(6, 1);
    t.fit(Fixtures.rdd(sc), 2);
    assertSameBits(Fixtures.singleMachine(f, Fixtures::adamW, 2, 8, 4, 2, Fixtures.data()), model);
    assertEquals(1, failures.await(1), "the injected failure happened, once");
    sc.sc().removeSparkListener(failures);
  }

  @Test
  void aResumedDriverReproducesTheUninterruptedRun(@TempDir Path dir) throws IOException {
    ModelFactory f = Fixtures::mlp;
    Module uninterrupted = spark(f, Fixtures::adamW, 2, 8, 13, 3);
    Path file = dir.resolve("run/checkpoint.safetensors");
    Module first = f.create();
    DataParallelTrainer crashing = trainer(first, Fixtures.adamW(first), f, 2, 8, 13).checkpoint(file, 4).listener((step, epoch, loss) -> {
      if (step == 14) throw new IllegalStateException("driver killed");
    });
    assertThrows(IllegalStateException.class, () -> crashing.fit(Fixtures.rdd(sc), 3));
    Module resumed = f.create();
    DataParallelTrainer again = trainer(resumed, Fixtures.adamW(resumed), f, 2, 8, 13).checkpoint(file, 4);
    var meta = again.resume(file);
    assertEquals("12", meta.get("step"), "the last checkpoint before the crash");
    assertEquals("1", meta.get("epoch"));
    again.fit(Fixtures.rdd(sc), 3);
    assertEquals(30, again.steps());
    assertSameBits(uninterrupted, resumed);
    // a checkpoint of another configuration is refused in the user's terms
    Module other = f.create();
    IOException e = assertThrows(IOException.class, () -> trainer(other, Fixtures.adamW(other), f, 4, 4, 13).resume(file));
    assertTrue(e.getMessage().contains("workers = 2 but this trainer has 4"), e.getMessage());
  }

  @Test
  void dropoutMasksDependOnlyOnSeedStepAndExampleSoTheSparkRunEqualsTheTrainer() throws IOException {
    ModelFactory f = Fixtures::mlpWithDropout;
    TensorDataset data = Fixtures.data();
    Module single;
    try {
      single = Fixtures.singleMachine(f, Fixtures::sgdMomentum, 2, 8, 3, 2, new Fixtures.KeyBinding(data, 2));
    } finally {
      DropoutKeys.bind(0, new long[0]).close(); // leaves this thread with no keys
    }
    assertSameBits(single, spark(f, Fixtures::sgdMomentum, 2, 8, 3, 2));
    // without the masks keyed per example the runs could not agree: the same example's row is the same
    // whichever batch and row it is in, and changes with the step
    KeyedDropout d = new KeyedDropout(0.5f, 1);
    Tensor ones = Tensor.ones(3, 64);
    float[] a, b, c;
    try (var k = DropoutKeys.bind(7, new long[] {40, 41, 42})) {
      a = d.forward(ones).toArray();
    }
    try (var k = DropoutKeys.bind(7, new long[] {99, 42, 40})) {
      b = d.forward(ones).toArray();
    }
    try (var k = DropoutKeys.bind(8, new long[] {40, 41, 42})) {
      c = d.forward(ones).toArray();
    }
    assertArrayEquals(java.util.Arrays.copyOfRange(a, 0, 64), java.util.Arrays.copyOfRange(b, 128, 192)); // example 40
    assertArrayEquals(java.util.Arrays.copyOfRange(a, 128, 192), java.util.Arrays.copyOfRange(b, 64, 128)); // example 42
    assertFalse(java.util.Arrays.equals(java.util.Arrays.copyOfRange(a, 0, 64), java.util.Arrays.copyOfRange(c, 0, 64)));
    assertThrows(IllegalStateException.class, () -> d.forward(ones), "no keys bound: refused, not silently unkeyed");
  }

  @Test
  void theRingAllReduceModeInABarrierStageGivesTheSameBitsEvenWhenTheStageIsRetriedOrResumed(@TempDir Path dir) throws Exception {
    ModelFactory f = Fixtures::mlp;
    Module expected = Fixtures.singleMachine(f, Fixtures::adamW, 2, 8, 6, 2, Fixtures.data());
    AllReduceTrainer ring = new AllReduceTrainer(sc, f, Fixtures::adamW, TrainingLoss.crossEntropy()).workers(2).microBatch(8).seed(6);
    ring.fit(Fixtures.rdd(sc), 2);
    assertEquals(20, ring.steps());
    assertSameBits(expected, ring.model());
    // a driver that stops after epoch 1 and a new one resuming from its checkpoint
    Path file = dir.resolve("ring.safetensors");
    new AllReduceTrainer(sc, f, Fixtures::adamW, TrainingLoss.crossEntropy()).workers(2).microBatch(8).seed(6).checkpoint(file)
        .fit(Fixtures.rdd(sc), 1);
    AllReduceTrainer resumed = new AllReduceTrainer(sc, f, Fixtures::adamW, TrainingLoss.crossEntropy()).workers(2).microBatch(8).seed(6);
    assertEquals("10", resumed.resume(file).get("step"));
    resumed.fit(Fixtures.rdd(sc), 2);
    assertSameBits(expected, resumed.model());
    // a rank that fails mid-epoch fails the barrier stage; Spark reruns the whole epoch, from the same start
    FailedTasks failures = new FailedTasks();
    sc.sc().addSparkListener(failures);
    AllReduceTrainer retried = new AllReduceTrainer(sc, f, Fixtures::adamW, TrainingLoss.crossEntropy()).workers(2).microBatch(8).seed(6)
        .failFirstAttempt(13, 1);
    retried.fit(Fixtures.rdd(sc), 2);
    assertSameBits(expected, retried.model());
    assertTrue(failures.await(1) >= 1, "the injected failure happened");
    sc.sc().removeSparkListener(failures);
  }

  @Test
  void anEpochOrderIsAFunctionOfSeedAndEpochOnlyAsTheDataLoaders() {
    int n = 50;
    float[] ids = new float[n];
    for (int i = 0; i < n; i++) ids[i] = i;
    DataLoader loader = new DataLoader(new TensorDataset(Tensor.of(ids, n, 1), Tensor.of(ids, n)), n, true, false, 17, 0);
    for (int epoch = 0; epoch < 3; epoch++) {
      // One whole epoch (a single batch of n): an epoch counts when its iteration runs to the end.
      var it = loader.iterator();
      float[] seen = it.next().targets().toArray();
      assertFalse(it.hasNext());
      int[] order = EpochOrder.permutation(17, epoch, n);
      for (int i = 0; i < n; i++) assertEquals(order[i], (int) seen[i]);
      assertArrayEquals(order, EpochOrder.permutation(17, epoch, n));
    }
    assertFalse(java.util.Arrays.equals(EpochOrder.permutation(17, 0, n), EpochOrder.permutation(17, 1, n)));
  }

  @Test
  void tooFewExamplesForOneStepAreRefusedInTheUsersTerms() {
    ModelFactory f = Fixtures::mlp;
    Module model = f.create();
    var e = assertThrows(IllegalArgumentException.class,
        () -> trainer(model, Fixtures.adamW(model), f, 4, 64, 0).fit(Fixtures.rdd(sc), 1));
    assertTrue(e.getMessage().contains("fewer than one step's 4 workers x 64"), e.getMessage());
  }

  @Test
  void csvAndIdxReadersGiveTheSingleMachineReadersTensors(@TempDir Path dir) throws IOException {
    Path csv = dir.resolve("d.csv");
    java.nio.file.Files.writeString(csv, "a,b,label\n1.5,-2,1\n\n0.25,3e2,0\n4,5,2\n");
    TensorDataset mine = SparkData.collect(SparkData.csv(sc, csv.toUri().toString(), true, -1));
    TensorDataset theirs = dev.backflow.data.CsvReader.read(csv, true, -1);
    assertArrayEquals(theirs.inputs().toArray(), mine.inputs().toArray());
    assertArrayEquals(theirs.targets().toArray(), mine.targets().toArray());
    Path fashion = dev.backflow.data.FashionMnist.DEFAULT_DIR;
    if (!dev.backflow.data.FashionMnist.isAvailable(fashion)) return; // test.sh installs it; CI has it
    var test = dev.backflow.data.FashionMnist.test(fashion, false);
    TensorDataset spark = SparkData.collect(SparkData.fashionMnist(sc, fashion.toUri().toString(), "t10k"));
    var all = test.all();
    assertArrayEquals(all.inputs().toArray(), spark.inputs().toArray());
    assertArrayEquals(all.targets().toArray(), spark.targets().toArray());
  }
}
