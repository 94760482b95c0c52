package dev.backflow.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.backflow.data.Batch;
import dev.backflow.data.DataLoader;
import dev.backflow.data.Dataset;
import dev.backflow.data.TensorDataset;
import dev.backflow.nn.Activation;
import dev.backflow.nn.Linear;
import dev.backflow.nn.Module;
import dev.backflow.nn.Sequential;
import dev.backflow.optim.AdamW;
import dev.backflow.optim.Optimizer;
import dev.backflow.optim.Sgd;
import dev.backflow.tensor.Tensor;
import dev.backflow.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/** A small classification problem, its model, and the single-machine reference runs the Spark runs must equal. */
final class Fixtures {
  static final int FEATURES = 12, CLASSES = 4, EXAMPLES = 160;

  private Fixtures() {}

  /** A test configuration: executors run the SIMD kernels, as the test JVM does. */
  static org.apache.spark.SparkConf conf(String master) {
    return SparkSetup.conf(master, "backflow-spark-test")
        // a rerun barrier stage waits for its slots to come free: check every second, not every 15
        .set("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "1s");
  }

  /** Gaussian blobs, one per class, fixed by seed 7. */
  static TensorDataset data() {
    SplittableRandom rng = new SplittableRandom(7);
    float[] x = new float[EXAMPLES * FEATURES], y = new float[EXAMPLES];
    for (int i = 0; i < EXAMPLES; i++) {
      int c = rng.nextInt(CLASSES);
      y[i] = c;
      for (int f = 0; f < FEATURES; f++) x[i * FEATURES + f] = (float) (rng.nextGaussian() + (f % CLASSES == c ? 1.5 : 0));
    }
    return new TensorDataset(Tensor.of(x, EXAMPLES, FEATURES), Tensor.of(y, EXAMPLES));
  }

  static List<Example> examples(TensorDataset d) {
    float[] x = d.inputs().toArray(), y = d.targets().toArray();
    int n = d.size(), f = x.length / n;
    List<Example> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(Example.of(java.util.Arrays.copyOfRange(x, i * f, i * f + f), y[i]));
    return out;
  }

  /** Three input partitions, so that the indices zipWithIndex gives span partitions. */
  static JavaRDD<Example> rdd(JavaSparkContext sc) {
    return sc.parallelize(examples(data()), 3);
  }

  static Module mlp() {
    SplittableRandom rng = new SplittableRandom(3);
    return new Sequential(new Linear(FEATURES, 32, rng), Activation.relu(), new Linear(32, 16, rng), Activation.tanh(),
        new Linear(16, CLASSES, rng));
  }

  static Module mlpWithDropout() {
    SplittableRandom rng = new SplittableRandom(3);
    return new Sequential(new Linear(FEATURES, 32, rng), Activation.relu(), new KeyedDropout(0.3f, 11), new Linear(32, CLASSES, rng));
  }

  static Optimizer sgdMomentum(Module m) {
    return new Sgd(m.parameters(), 0.05, 0.9, 0, 1e-4, false);
  }

  static Optimizer adamW(Module m) {
    return new AdamW(m.parameters(), 3e-3, 0.9, 0.999, 1e-8, 0.01);
  }

  /** Trainer with batch n accumulated over k micro-batches: the run k workers of n must equal. */
  static Module singleMachine(ModelFactory factory, Function<Module, Optimizer> opt, int k, int n, long seed, int epochs,
      Dataset data) {
    Module model = factory.create();
    new Trainer(model, opt.apply(model), TrainingLoss.crossEntropy()).accumulate(k)
        .fit(new DataLoader(data, n, true, true, seed, 0), null, epochs);
    return model;
  }

  static void assertSameBits(Module expected, Module actual) {
    List<Tensor> a = expected.parameters(), b = actual.parameters();
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      float[] x = a.get(i).toArray(), y = b.get(i).toArray();
      assertEquals(x.length, y.length);
      for (int j = 0; j < x.length; j++) {
        if (Float.floatToRawIntBits(x[j]) != Float.floatToRawIntBits(y[j])) {
          throw new AssertionError("parameter " + i + " element " + j + ": " + x[j] + " (single machine) vs " + y[j] + " (Spark)");
        }
      }
    }
  }

  static boolean sameBits(Module a, Module b) {
    try {
      assertSameBits(a, b);
      return true;
    } catch (AssertionError e) {
      return false;
    }
  }

  /**
   * Binds the dropout keys a data-parallel worker would bind: each batch's dataset indices and the step, when the
   * batch is made. With a DataLoader that does not prefetch, that is on the training thread just before its forward.
   */
  static final class KeyBinding implements Dataset {
    private final Dataset inner;
    private final int k;
    private long served;

    KeyBinding(Dataset inner, int k) {
      this.inner = inner;
      this.k = k;
    }

    @Override
    public int size() {
      return inner.size();
    }

    @Override
    public Batch batch(int[] indices) {
      long[] ids = new long[indices.length];
      for (int i = 0; i < ids.length; i++) ids[i] = indices[i];
      DropoutKeys.bind(served++ / k, ids);
      return inner.batch(indices);
    }

    @Override
    public Dataset head(int n) {
      throw new UnsupportedOperationException();
    }
  }
}
