package dev.backflow.spark;

import dev.backflow.autograd.Autograd;
import dev.backflow.data.EpochOrder;
import dev.backflow.nn.Module;
import dev.backflow.optim.GradClip;
import dev.backflow.optim.LrScheduler;
import dev.backflow.optim.Optimizer;
import dev.backflow.tensor.Tensor;
import dev.backflow.train.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Synchronous data-parallel training on Apache Spark, bit for bit equal to one machine.
 *
 * <p>Each step the driver broadcasts the parameters (versioned by the step count, so an executor's model object
 * is reused and only its values are copied), each of the k partitions computes the gradient of its micro-batch of
 * n examples, the driver collects the k gradients and adds them in partition order 0..k-1, and the optimizer
 * steps on the driver with its state there. This is {@code Trainer} with {@code accumulate(k)} and batch size n,
 * spread over k workers: the k·n examples of a step, their micro-batches, the scaling of each loss by 1/k and the
 * order of the float additions are the same, so the parameters are the same to the last bit (tested).
 *
 * <p>Gradients are gathered with {@code collect} (whose results come back in partition order whatever order
 * the tasks finish in), never with {@code treeAggregate}, {@code reduce} or accumulators, whose merge order
 * follows task completion and so changes float sums from run to run.
 *
 * <p>Data: an epoch visits the examples in the order {@link EpochOrder#permutation} gives for (seed, epoch), as
 * {@code DataLoader} does; each epoch's order is one Spark shuffle that puts micro-batch s·k+p, at step s, on
 * partition p, cached for the epoch's steps. The examples that do not fill a whole step at the end of an epoch
 * are left out of it (drop-last at the step).
 */
public final class DataParallelTrainer {
  private final JavaSparkContext sc;
  private final ModelFactory factory;
  private final Module model;
  private final Optimizer optimizer;
  private final TrainingLoss loss;
  private final List<Tensor> params;
  private final String run = UUID.randomUUID().toString();
  private int workers = 2, microBatch = 32;
  private long seed;
  private int[] inputShape, targetShape = new int[0];
  private LrScheduler scheduler;
  private double clipNorm;
  private Path checkpointFile;
  private int checkpointEvery;
  private StepListener listener;
  private GradientTask.FaultInjection fault;
  // progress: the next step to run
  private int epoch, stepInEpoch;
  private long step;
  private final List<StepTimes> times = new ArrayList<>();
  private Broadcast<int[]> epochPositions;

  /** Called on the driver after every step (and, optionally, after every epoch). */
  @FunctionalInterface
  public interface StepListener {
    /**
     * {@code step} counts the steps taken (1 after the first), {@code epoch} the epochs completed before this step
     * (0 in the first), and {@code loss} is the mean of the workers' micro-batch losses.
     */
    void onStep(long step, int epoch, double loss);

    default void onEpochEnd(EpochStats stats) {}
  }

  /** Where one step's wall time went, in nanoseconds (see {@link #stepTimes()}). */
  public record StepTimes(long wall, long driver, long slowestFetch, long slowestCompute) {
    /** Broadcast, scheduling and collect: the step's time not spent computing gradients or stepping the optimizer. */
    public long communication() {
      return Math.max(0, wall - driver - slowestCompute);
    }
  }

  /** Mean loss and accuracy of the examples an epoch trained on. */
  public record EpochStats(int epoch, double loss, double accuracy, long examples, double seconds) {}

  /**
   * @param model the driver's copy, built by {@code factory}: its parameters are the ones that are trained
   * @param optimizer any Backflow optimizer over {@code model.parameters()}; it steps on the driver
   */
  public DataParallelTrainer(JavaSparkContext sc, ModelFactory factory, Module model, Optimizer optimizer, TrainingLoss loss) {
    this.sc = Objects.requireNonNull(sc, "DataParallelTrainer: the JavaSparkContext is null");
    this.factory = Objects.requireNonNull(factory, "DataParallelTrainer: the ModelFactory is null");
    this.model = Objects.requireNonNull(model, "DataParallelTrainer: the model is null");
    this.optimizer = Objects.requireNonNull(optimizer, "DataParallelTrainer: the optimizer is null");
    this.loss = Objects.requireNonNull(loss, "DataParallelTrainer: the loss is null");
    if (!model.namedBuffers().isEmpty()) {
      throw new IllegalArgumentException("DataParallelTrainer: the model has buffers " + model.namedBuffers().keySet()
          + " (BatchNorm running statistics?); each worker would update its own copy, so they are not supported yet: "
          + "use LayerNorm, or train on one machine");
    }
    this.params = model.parameters();
  }

  /** k: partitions, one micro-batch each per step (default 2). */
  public DataParallelTrainer workers(int k) {
    if (k <= 0) throw new IllegalArgumentException("workers must be positive, got " + k);
    this.workers = k;
    return this;
  }

  /** n: examples per worker per step; a step trains on k·n examples (default 32). */
  public DataParallelTrainer microBatch(int n) {
    if (n <= 0) throw new IllegalArgumentException("the micro-batch size must be positive, got " + n);
    this.microBatch = n;
    return this;
  }

  /** The seed of the epoch orders (the DataLoader's seed on one machine). */
  public DataParallelTrainer seed(long seed) {
    this.seed = seed;
    return this;
  }

  /** One example's input shape (default: [number of features]) and target shape (default: [], a class index). */
  public DataParallelTrainer shapes(int[] input, int[] target) {
    this.inputShape = input.clone();
    this.targetShape = target.clone();
    return this;
  }

  /** Stepped once per epoch, as by {@code Trainer}. */
  public DataParallelTrainer scheduler(LrScheduler s) {
    this.scheduler = s;
    return this;
  }

  /** Clip the global gradient norm of the summed gradient before each step (0 = off). */
  public DataParallelTrainer clipGradNorm(double maxNorm) {
    if (maxNorm < 0) throw new IllegalArgumentException("clipGradNorm must be 0 (off) or positive, got " + maxNorm);
    this.clipNorm = maxNorm;
    return this;
  }

  /** Save model, optimizer state and progress to {@code file} every {@code steps} steps and at each epoch end. */
  public DataParallelTrainer checkpoint(Path file, int steps) {
    if (steps < 0) throw new IllegalArgumentException("checkpoint interval must be 0 (epoch ends only) or positive, got " + steps);
    this.checkpointFile = file;
    this.checkpointEvery = steps;
    return this;
  }

  public DataParallelTrainer listener(StepListener l) {
    this.listener = l;
    return this;
  }

  /** Test hook: the first attempt of {@code partition}'s task at {@code step} throws. */
  DataParallelTrainer failFirstAttempt(long step, int partition) {
    this.fault = new GradientTask.FaultInjection(step, partition);
    return this;
  }

  /** Steps taken so far (the parameter version). */
  public long steps() {
    return step;
  }

  /** Where each step's time went, in order. */
  public List<StepTimes> stepTimes() {
    return Collections.unmodifiableList(times);
  }

  /**
   * Continues from a checkpoint this trainer's configuration wrote: model, optimizer state, and the epoch and
   * step to go on from. Refused when it was written with another seed, k or n, since the run it continues would
   * not be the same run.
   */
  public Map<String, String> resume(Path file) throws IOException {
    Map<String, String> meta = Checkpoint.load(file, model, optimizer);
    expect(file, meta, "seed", Long.toString(seed));
    expect(file, meta, "workers", Integer.toString(workers));
    expect(file, meta, "micro_batch", Integer.toString(microBatch));
    epoch = Integer.parseInt(meta.get("epoch"));
    stepInEpoch = Integer.parseInt(meta.get("step_in_epoch"));
    step = Long.parseLong(meta.get("step"));
    // the schedule is a function of the completed epochs: replay its steps
    if (scheduler != null) for (int e = 0; e < epoch; e++) scheduler.step();
    return meta;
  }

  private static void expect(Path file, Map<String, String> meta, String key, String mine) throws IOException {
    String saved = meta.get(key);
    if (saved == null) throw new IOException(file + ": not a data-parallel checkpoint (no '" + key + "' in its metadata)");
    if (!saved.equals(mine)) {
      throw new IOException(file + ": written with " + key + " = " + saved + " but this trainer has " + mine
          + "; resume with the same seed, workers and micro-batch size, or the run would not be the same run");
    }
  }

  /** Trains until {@code epochs} epochs (counted from the start of the run, resumed or not) are complete. */
  public List<EpochStats> fit(JavaRDD<Example> data, int epochs) throws IOException {
    return fitIndexed(data.zipWithIndex().mapToPair(t -> new Tuple2<>(t._2, t._1)), epochs);
  }

  /**
   * As {@link #fit}, for examples already keyed by their dataset index 0..N-1 (the readers of
   * {@link SparkData} give them so): the index is what the epoch order and the dropout masks are keyed by.
   */
  public List<EpochStats> fitIndexed(JavaPairRDD<Long, Example> indexed, int epochs) throws IOException {
    if (epochs < 0) throw new IllegalArgumentException("epochs must be 0 or more, got " + epochs);
    JavaPairRDD<Long, Example> cached = indexed.persist(StorageLevel.MEMORY_AND_DISK());
    long count = cached.count();
    if (count > Integer.MAX_VALUE) throw new IllegalArgumentException("more than 2^31 examples are not supported yet");
    int n = (int) count;
    int perEpoch = n / (workers * microBatch);
    if (perEpoch == 0) {
      throw new IllegalArgumentException("the data holds " + n + " examples, fewer than one step's " + workers + " workers x "
          + microBatch + " = " + workers * microBatch);
    }
    if (inputShape == null) inputShape = new int[] {cached.first()._2.size()};
    List<EpochStats> history = new ArrayList<>();
    try {
      while (epoch < epochs) {
        long start = System.nanoTime();
        JavaRDD<Shard> shards = shard(cached, n, perEpoch, epoch);
        double lossSum = 0;
        long correct = 0, seen = 0;
        boolean classification = true;
        try {
          while (stepInEpoch < perEpoch) {
            List<MicroBatchGradient> grads = step(shards);
            for (MicroBatchGradient g : grads) {
              lossSum += (double) g.loss() * g.examples();
              seen += g.examples();
              if (g.correct() < 0) classification = false;
              else correct += g.correct();
            }
            if (listener != null) listener.onStep(step, epoch, grads.stream().mapToDouble(MicroBatchGradient::loss).average().orElse(0));
            if (checkpointFile != null && checkpointEvery > 0 && step % checkpointEvery == 0 && stepInEpoch < perEpoch) save();
          }
        } finally {
          shards.unpersist(false);
          epochPositions.destroy();
        }
        epoch++;
        stepInEpoch = 0;
        if (scheduler != null) scheduler.step();
        if (checkpointFile != null) save();
        EpochStats stats = new EpochStats(epoch, lossSum / seen, classification ? (double) correct / seen : Double.NaN, seen,
            (System.nanoTime() - start) / 1e9);
        history.add(stats);
        if (listener != null) listener.onEpochEnd(stats);
      }
    } finally {
      cached.unpersist(false);
    }
    return history;
  }

  private JavaRDD<Shard> shard(JavaPairRDD<Long, Example> indexed, int n, int perEpoch, int e) {
    EpochShards s = shard(sc, indexed, n, perEpoch, e, seed, workers, microBatch);
    epochPositions = s.positions();
    return s.shards();
  }

  /** An epoch's shards (cached) and the broadcast they were placed by (destroy it with the shards). */
  record EpochShards(JavaRDD<Shard> shards, Broadcast<int[]> positions) {}

  /** Epoch {@code e}'s shards: partition p holds, in epoch order, the micro-batches p, p+k, p+2k, ... */
  static EpochShards shard(JavaSparkContext sc, JavaPairRDD<Long, Example> indexed, int n, int perEpoch, int e, long seed,
      int workers, int microBatch) {
    int used = perEpoch * workers * microBatch;
    int[] order = EpochOrder.permutation(seed, e, n);
    int[] position = new int[n];
    Arrays.fill(position, -1);
    for (int pos = 0; pos < used; pos++) position[order[pos]] = pos;
    Broadcast<int[]> positions = sc.broadcast(position);
    int k = workers, mb = microBatch;
    JavaRDD<Shard> shards = indexed
        .flatMapToPair(t -> {
          long id = t._1;
          if (id < 0 || id >= positions.value().length) {
            throw new IllegalStateException("example index " + id + " is outside 0.." + (positions.value().length - 1)
                + ": indices must number the examples 0..N-1");
          }
          int pos = positions.value()[(int) id];
          return pos < 0 ? Collections.emptyIterator() : List.of(new Tuple2<>(pos, new Tuple2<>(id, t._2))).iterator();
        })
        .repartitionAndSortWithinPartitions(new MicroBatchPartitioner(k, mb))
        .mapPartitionsWithIndex((p, it) -> {
          List<Tuple2<Integer, Tuple2<Long, Example>>> rows = new ArrayList<>();
          it.forEachRemaining(rows::add);
          if (rows.size() != perEpoch * mb) {
            throw new IllegalStateException("partition " + p + " received " + rows.size() + " examples, expected " + perEpoch * mb
                + " (are the example indices unique?)");
          }
          long[] ids = new long[rows.size()];
          Example[] examples = new Example[rows.size()];
          for (int i = 0; i < ids.length; i++) {
            ids[i] = rows.get(i)._2._1;
            examples[i] = rows.get(i)._2._2;
          }
          return List.of(new Shard(ids, examples)).iterator();
        }, true)
        .persist(StorageLevel.MEMORY_AND_DISK());
    return new EpochShards(shards, positions);
  }

  /** One synchronous step; returns the workers' results in partition order. */
  private List<MicroBatchGradient> step(JavaRDD<Shard> shards) {
    long start = System.nanoTime();
    float[] values = flatten();
    Broadcast<ParameterVersion> bc = sc.broadcast(new ParameterVersion(run, step, values));
    long driver = System.nanoTime() - start;
    List<MicroBatchGradient> grads;
    try {
      grads = shards
          .mapPartitionsWithIndex(new GradientTask(bc, factory, loss, workers, microBatch, stepInEpoch, step, inputShape,
              targetShape, fault), true)
          .collect();
    } finally {
      bc.destroy();
    }
    long folded = System.nanoTime();
    if (grads.size() != workers) throw new IllegalStateException("expected " + workers + " gradients, got " + grads.size());
    for (int p = 0; p < workers; p++) {
      if (grads.get(p).partition() != p) throw new IllegalStateException("gradient " + p + " came from partition " + grads.get(p).partition());
    }
    double lossValue = 0;
    for (MicroBatchGradient g : grads) lossValue += g.loss();
    if (!Double.isFinite(lossValue)) {
      throw new ArithmeticException("training loss became non-finite at epoch " + (epoch + 1) + ", step " + (step + 1)
          + ": lower the learning rate or clip gradients");
    }
    fold(grads);
    if (clipNorm > 0) GradClip.clipGradNorm(params, clipNorm);
    optimizer.step();
    optimizer.zeroGrad();
    step++;
    stepInEpoch++;
    long end = System.nanoTime();
    long slowestFetch = 0, slowestCompute = 0;
    for (MicroBatchGradient g : grads) {
      slowestFetch = Math.max(slowestFetch, g.fetchNanos());
      slowestCompute = Math.max(slowestCompute, g.computeNanos());
    }
    times.add(new StepTimes(end - start, driver + (end - folded), slowestFetch, slowestCompute));
    return grads;
  }

  /** grad_j = ((g_0 + g_1) + g_2) + ... in partition order: the order of {@code Trainer.accumulate(k)}. */
  private void fold(List<MicroBatchGradient> grads) {
    try (var g = Autograd.noGrad()) {
      int offset = 0;
      for (int j = 0; j < params.size(); j++) {
        Tensor p = params.get(j);
        int size = p.numel();
        Tensor sum = null;
        for (MicroBatchGradient mb : grads) {
          if (!mb.hasGradient()[j]) continue;
          Tensor part = Tensor.of(Arrays.copyOfRange(mb.gradient(), offset, offset + size), p.shape());
          sum = sum == null ? part : sum.add(part);
        }
        p.setGrad(sum);
        offset += size;
      }
    }
  }

  private float[] flatten() {
    int total = 0;
    for (Tensor p : params) total += p.numel();
    float[] out = new float[total];
    int offset = 0;
    for (Tensor p : params) {
      float[] v = p.toArray();
      System.arraycopy(v, 0, out, offset, v.length);
      offset += v.length;
    }
    return out;
  }

  private void save() throws IOException {
    Map<String, String> progress = new LinkedHashMap<>();
    progress.put("epoch", Integer.toString(epoch));
    progress.put("step_in_epoch", Integer.toString(stepInEpoch));
    progress.put("step", Long.toString(step));
    progress.put("seed", Long.toString(seed));
    progress.put("workers", Integer.toString(workers));
    progress.put("micro_batch", Integer.toString(microBatch));
    Path parent = checkpointFile.toAbsolutePath().getParent();
    if (parent != null) Files.createDirectories(parent);
    Checkpoint.save(checkpointFile, model, optimizer, progress);
  }
}
