package dev.backflow.spark;

import dev.backflow.data.DataLoader;
import dev.backflow.data.TensorDataset;
import dev.backflow.nn.Models;
import dev.backflow.nn.Module;
import dev.backflow.optim.Adam;
import dev.backflow.optim.AdamW;
import dev.backflow.optim.Optimizer;
import dev.backflow.tensor.Tensor;
import dev.backflow.train.LossFunction;
import dev.backflow.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Time per step, and the share of it in broadcast + collect, for the Fashion-MNIST-shaped MLP and the character
 * GPT, with 1 and 2 workers in local-cluster mode (separate executor JVMs), beside the single-machine Trainer
 * with the same global batch. A benchmark (README table), not a test: {@code ./spark-train --bench}.
 */
public final class StepBenchmark {
  private static final int WARMUP = 10;

  private StepBenchmark() {}

  record Workload(String name, ModelFactory factory, Function<Module, Optimizer> optimizer, TrainingLoss loss, int batch,
      int[] input, int[] target, int steps) {}

  public static void main(String[] args) throws Exception {
    SparkSetup.ensureSparkHome();
    List<Workload> workloads = List.of(
        new Workload("MLP 784-256-128-10, Adam, batch 64", () -> Models.fashionMlp(0), m -> new Adam(m.parameters(), 1e-3),
            TrainingLoss.crossEntropy(), 64, new int[] {784}, new int[0], 60),
        new Workload("GPT 4L/4H/d128/ctx64, AdamW, batch 32", () -> Models.charGpt(65, 0), m -> new AdamW(m.parameters(), 3e-4),
            TrainingLoss.sequenceCrossEntropy(), 32, new int[] {64}, new int[] {64}, 25));
    List<String> rows = new ArrayList<>();
    rows.add("| model | run | ms/step | broadcast + collect + scheduling | of which parameter fetch on the executor |");
    rows.add("|---|---|---|---|---|");
    for (Workload w : workloads) {
      long p = w.factory().create().numParameters();
      System.out.printf(Locale.ROOT, "%s: %,d parameters, %.2f MB of float32 per gradient%n", w.name(), p, p * 4 / 1e6);
      for (int k = 1; k <= 2; k++) rows.add(singleMachine(w, k));
      for (int k = 1; k <= 2; k++) rows.add(spark(w, k));
      rows.forEach(System.out::println);
      System.out.println();
    }
  }

  /** Random data of the workload's shapes (the step time does not depend on the values). */
  static List<Example> data(Workload w, int count) {
    SplittableRandom rng = new SplittableRandom(1);
    List<Example> out = new ArrayList<>();
    int d = Shard.numel(w.input()), t = Shard.numel(w.target());
    for (int i = 0; i < count; i++) {
      float[] x = new float[d], y = new float[t];
      boolean tokens = t > 1;
      for (int j = 0; j < d; j++) x[j] = tokens ? rng.nextInt(65) : (float) rng.nextGaussian();
      for (int j = 0; j < t; j++) y[j] = rng.nextInt(65);
      out.add(t == 1 ? Example.of(x, rng.nextInt(10)) : Example.of(x, y));
    }
    return out;
  }

  private static String singleMachine(Workload w, int k) {
    int n = w.batch() / k, count = (WARMUP + w.steps()) * w.batch();
    List<Example> ex = data(w, count);
    int d = Shard.numel(w.input()), t = Math.max(1, Shard.numel(w.target()));
    float[] x = new float[count * d], y = new float[count * t];
    for (int i = 0; i < count; i++) {
      ex.get(i).copyFeaturesTo(x, i * d);
      ex.get(i).copyTargetTo(y, i * t);
    }
    int[] xs = new int[w.input().length + 1], ys = new int[w.target().length + 1];
    xs[0] = ys[0] = count;
    System.arraycopy(w.input(), 0, xs, 1, w.input().length);
    System.arraycopy(w.target(), 0, ys, 1, w.target().length);
    TensorDataset ds = new TensorDataset(Tensor.of(x, xs), Tensor.of(y, ys));
    Module model = w.factory().create();
    LossFunction loss = w.loss();
    Trainer trainer = new Trainer(model, w.optimizer().apply(model), loss).accumulate(k);
    trainer.fit(new DataLoader(ds.head(WARMUP * w.batch()), n, true, true, 0, 0), null, 1);
    long start = System.nanoTime();
    trainer.fit(new DataLoader(ds, n, true, true, 0, 0), null, 1);
    double ms = (System.nanoTime() - start) / 1e6 / (WARMUP + w.steps());
    return String.format(Locale.ROOT, "| %s | single machine, Trainer, %d micro-batch%s of %d | %.1f | - | - |", w.name(), k,
        k == 1 ? "" : "es", n, ms);
  }

  private static String spark(Workload w, int k) throws Exception {
    int n = w.batch() / k, count = (WARMUP + w.steps()) * w.batch();
    String master = "local-cluster[" + k + ",1,1024]";
    try (JavaSparkContext sc = new JavaSparkContext(SparkSetup.conf(master, "backflow-step-benchmark"))) {
      sc.setLogLevel("WARN");
      Module model = w.factory().create();
      DataParallelTrainer trainer = new DataParallelTrainer(sc, w.factory(), model, w.optimizer().apply(model), w.loss())
          .workers(k).microBatch(n).seed(0).shapes(w.input(), w.target());
      trainer.fit(sc.parallelize(data(w, count), k), 1);
      List<DataParallelTrainer.StepTimes> times = trainer.stepTimes().subList(WARMUP, WARMUP + w.steps());
      double wall = 0, comm = 0, fetch = 0;
      for (DataParallelTrainer.StepTimes s : times) {
        wall += s.wall();
        comm += s.communication();
        fetch += s.slowestFetch();
      }
      return String.format(Locale.ROOT, "| %s | Spark %s, %d worker%s x %d | %.1f | %.1f ms (%.0f%%) | %.1f ms |", w.name(), master, k,
          k == 1 ? "" : "s", n, wall / times.size() / 1e6, comm / times.size() / 1e6, 100 * comm / wall, fetch / times.size() / 1e6);
    }
  }
}
