package dev.backflow.spark;

import dev.backflow.data.DataLoader;
import dev.backflow.data.TensorDataset;
import dev.backflow.nn.Models;
import dev.backflow.nn.Module;
import dev.backflow.optim.LrScheduler;
import dev.backflow.optim.Optimizer;
import dev.backflow.optim.Optimizers;
import dev.backflow.train.Metrics;
import dev.backflow.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Trains the Fashion-MNIST MLP (784-256-128-10) data-parallel on Spark, then reports test accuracy. Run by
 * {@code ./spark-train} (embedded {@code local[2]}) or by {@code spark-submit --class dev.backflow.spark.SparkTrain}
 * on a cluster, where {@code --master} comes from spark-submit.
 */
public final class SparkTrain {
  private static final String USAGE = """
      usage: spark-train [--master local[2]] [--data DIR] [--workers 2] [--micro-batch 32] [--epochs 5]
                         [--optimizer sgd|momentum|nesterov|rmsprop|adam|adamw] [--lr 1e-3] [--schedule cosine|constant] [--seed 0]
                         [--limit N] [--out runs/spark] [--resume] [--mode gather|ring]
        --master      Spark master; default local[2], or whatever spark-submit set
        --data        a directory (any Hadoop path: file:, hdfs:, s3a:) holding Fashion-MNIST's four .gz IDX files;
                      default file:/usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist)
        --workers     k partitions, one micro-batch each per step
        --micro-batch n examples per worker per step (a step trains on k*n examples)
        --limit       train on the first N training examples only
        --out         directory of checkpoint.safetensors, written atomically every 200 steps and each epoch
        --resume      continue from OUT/checkpoint.safetensors
        --mode        gather (default): the driver collects the k gradients each step; ring: the k tasks of a barrier
                      stage sum them among themselves over sockets (all k must fit in the cluster's task slots)
      """;

  private SparkTrain() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = parse(args);
    SparkConf base = new SparkConf();
    String master = o.getOrDefault("master", base.contains("spark.master") ? base.get("spark.master") : "local[2]");
    String data = o.getOrDefault("data", "file:/usr/share/datasets/fashion-mnist");
    int workers = Integer.parseInt(o.getOrDefault("workers", "2"));
    int micro = Integer.parseInt(o.getOrDefault("micro-batch", "32"));
    int epochs = Integer.parseInt(o.getOrDefault("epochs", "5"));
    double lr = Double.parseDouble(o.getOrDefault("lr", "1e-3"));
    long seed = Long.parseLong(o.getOrDefault("seed", "0"));
    long limit = Long.parseLong(o.getOrDefault("limit", "0"));
    String schedule = o.getOrDefault("schedule", "cosine");
    Path out = Path.of(o.getOrDefault("out", "runs/spark"));
    if (!schedule.equals("cosine") && !schedule.equals("constant")) throw new IllegalArgumentException("--schedule must be cosine or constant");

    SparkConf conf = SparkSetup.conf(master, "backflow-spark-train");
    if (master.startsWith("local-cluster")) SparkSetup.ensureSparkHome();
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      sc.setLogLevel("WARN");
      JavaPairRDD<Long, Example> train = SparkData.fashionMnist(sc, data, "train");
      if (limit > 0) train = train.filter(t -> t._1 < limit);
      TensorDataset test = SparkData.collect(SparkData.fashionMnist(sc, data, "t10k"));

      ModelFactory factory = () -> Models.fashionMlp(seed);
      Module model = factory.create();
      // The one registry the CLI and the page use: the same names mean the same optimizers everywhere.
      Optimizer opt = Optimizers.create(o.getOrDefault("optimizer", "adam"), model.parameters(), lr);
      if (o.getOrDefault("mode", "gather").equals("ring")) {
        ring(sc, o, factory, train, test, workers, micro, epochs, lr, seed, schedule, out);
        return;
      }
      if (!o.getOrDefault("mode", "gather").equals("gather")) throw new IllegalArgumentException("--mode must be gather or ring");
      DataParallelTrainer trainer = new DataParallelTrainer(sc, factory, model, opt, TrainingLoss.crossEntropy())
          .workers(workers).microBatch(micro).seed(seed).checkpoint(out.resolve("checkpoint.safetensors"), 200);
      if (schedule.equals("cosine")) trainer.scheduler(LrScheduler.cosine(opt, Math.max(1, epochs), 0.0));
      if (o.containsKey("resume")) {
        Map<String, String> meta = trainer.resume(out.resolve("checkpoint.safetensors"));
        System.out.printf(Locale.ROOT, "resumed at epoch %s, step %s%n", meta.get("epoch"), meta.get("step"));
      }
      System.out.printf(Locale.ROOT, "Fashion-MNIST MLP on Spark %s, master %s: %d workers x micro-batch %d = batch %d, %s lr %g, %d epochs%n",
          sc.version(), master, workers, micro, workers * micro, opt.getClass().getSimpleName(), lr, epochs);
      Trainer evaluator = new Trainer(model, opt, TrainingLoss.crossEntropy());
      trainer.listener(new DataParallelTrainer.StepListener() {
        @Override
        public void onStep(long step, int epoch, double loss) {}

        @Override
        public void onEpochEnd(DataParallelTrainer.EpochStats e) {
          Metrics m = evaluator.evaluate(new DataLoader(test, 1000, false, 0));
          System.out.printf(Locale.ROOT, "epoch %d: train loss %.4f acc %.2f%%  test loss %.4f acc %.2f%%  (%.1f s, %.1f ms/step)%n",
              e.epoch(), e.loss(), 100 * e.accuracy(), m.loss(), 100 * m.accuracy(), e.seconds(),
              1000 * e.seconds() / (e.examples() / (double) (workers * micro)));
        }
      });
      trainer.fitIndexed(train, epochs);
      Metrics m = evaluator.evaluate(new DataLoader(test, 1000, false, 0));
      System.out.printf(Locale.ROOT, "test accuracy %.2f%% after %d steps; checkpoint %s%n", 100 * m.accuracy(), trainer.steps(),
          Files.exists(out.resolve("checkpoint.safetensors")) ? out.resolve("checkpoint.safetensors") : "(none)");
    }
  }

  /** --mode ring: the same training with gradients summed by a ring all-reduce among barrier tasks. */
  private static void ring(JavaSparkContext sc, Map<String, String> o, ModelFactory factory, JavaPairRDD<Long, Example> train,
      TensorDataset test, int workers, int micro, int epochs, double lr, long seed, String schedule, Path out) throws Exception {
    String name = o.getOrDefault("optimizer", "adam");
    Optimizers.factory(name); // an unknown name is refused here, naming the choices
    OptimizerFactory optimizers = m -> Optimizers.create(name, m.parameters(), lr);
    AllReduceTrainer trainer = new AllReduceTrainer(sc, factory, optimizers, TrainingLoss.crossEntropy())
        .workers(workers).microBatch(micro).seed(seed).checkpoint(out.resolve("checkpoint.safetensors"));
    if (schedule.equals("cosine")) trainer.scheduler(LrScheduler.cosine(trainer.optimizer(), Math.max(1, epochs), 0.0));
    if (o.containsKey("resume")) trainer.resume(out.resolve("checkpoint.safetensors"));
    System.out.printf(Locale.ROOT, "Fashion-MNIST MLP on Spark %s, ring all-reduce over %d barrier tasks x micro-batch %d = batch %d, %s lr %g%n",
        sc.version(), workers, micro, workers * micro, name, lr);
    trainer.onEpoch(e -> {
      Metrics m = Trainer.evaluate(trainer.model(), new DataLoader(test, 1000, false, 0), TrainingLoss.crossEntropy());
      System.out.printf(Locale.ROOT, "epoch %d: train loss %.4f acc %.2f%%  test loss %.4f acc %.2f%%  (%.1f s)%n", e.epoch(), e.loss(),
          100 * e.accuracy(), m.loss(), 100 * m.accuracy(), e.seconds());
    });
    trainer.fitIndexed(train, epochs);
    Metrics m = Trainer.evaluate(trainer.model(), new DataLoader(test, 1000, false, 0), TrainingLoss.crossEntropy());
    System.out.printf(Locale.ROOT, "test accuracy %.2f%% after %d steps%n", 100 * m.accuracy(), trainer.steps());
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> o = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-h") || a.equals("--help")) {
        System.out.print(USAGE);
        System.exit(0);
      }
      if (!a.startsWith("--")) throw new IllegalArgumentException("unexpected argument '" + a + "'\n" + USAGE);
      String key = a.substring(2);
      if (key.equals("resume")) {
        o.put(key, "true");
        continue;
      }
      if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value\n" + USAGE);
      o.put(key, args[++i]);
    }
    return o;
  }
}
