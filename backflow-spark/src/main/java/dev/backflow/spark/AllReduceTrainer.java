package dev.backflow.spark;

import dev.backflow.autograd.Autograd;
import dev.backflow.data.Batch;
import dev.backflow.nn.Module;
import dev.backflow.optim.Optimizer;
import dev.backflow.tensor.Tensor;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.apache.spark.storage.StorageLevel;
import scala.Function1;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * The second data-parallel mode, for models whose gradients are too large to gather on the driver every step:
 * one barrier-mode Spark job per epoch ({@code RDD.barrier()}: its k tasks start together or not at all), whose
 * tasks find each other through {@code BarrierTaskContext.allGather} of their host:port, connect in a ring, and for
 * each step sum their micro-batch gradients over sockets in rank order ({@link RingReducer}) and step identical
 * optimizers. The driver moves parameters and optimizer state once per epoch, not per step.
 *
 * <p>The bits are those of {@link DataParallelTrainer} and of {@code Trainer.accumulate(k)}: the same shards, the
 * same micro-batch gradients, the same rank-ordered sum, the same optimizer on every rank. A failed task fails the
 * barrier stage, which Spark reruns whole from the epoch's start: the same bits again. The k tasks must fit in the
 * cluster's task slots at once.
 */
public final class AllReduceTrainer {
  private final JavaSparkContext sc;
  private final ModelFactory modelFactory;
  private final OptimizerFactory optimizerFactory;
  private final Module model;
  private final Optimizer optimizer;
  private final TrainingLoss loss;
  private int workers = 2, microBatch = 32;
  private long seed;
  private int[] inputShape, targetShape = new int[0];
  private int epoch;
  private long step;
  private GradientTask.FaultInjection fault;
  private dev.backflow.optim.LrScheduler scheduler;
  private java.nio.file.Path checkpointFile;
  private java.util.function.Consumer<DataParallelTrainer.EpochStats> onEpoch;

  /** {@code model} and {@code optimizer} are the driver's copies (built by the factories), updated after every epoch. */
  public AllReduceTrainer(JavaSparkContext sc, ModelFactory modelFactory, OptimizerFactory optimizerFactory, TrainingLoss loss) {
    this.sc = Objects.requireNonNull(sc, "AllReduceTrainer: the JavaSparkContext is null");
    this.modelFactory = Objects.requireNonNull(modelFactory, "AllReduceTrainer: the ModelFactory is null");
    this.optimizerFactory = Objects.requireNonNull(optimizerFactory, "AllReduceTrainer: the OptimizerFactory is null");
    this.loss = Objects.requireNonNull(loss, "AllReduceTrainer: the loss is null");
    this.model = modelFactory.create();
    this.optimizer = optimizerFactory.create(model);
    if (!model.namedBuffers().isEmpty()) {
      throw new IllegalArgumentException("AllReduceTrainer: the model has buffers " + model.namedBuffers().keySet() + "; not supported yet");
    }
  }

  public AllReduceTrainer workers(int k) {
    if (k <= 0) throw new IllegalArgumentException("workers must be positive, got " + k);
    this.workers = k;
    return this;
  }

  public AllReduceTrainer microBatch(int n) {
    if (n <= 0) throw new IllegalArgumentException("the micro-batch size must be positive, got " + n);
    this.microBatch = n;
    return this;
  }

  public AllReduceTrainer seed(long seed) {
    this.seed = seed;
    return this;
  }

  public AllReduceTrainer shapes(int[] input, int[] target) {
    this.inputShape = input.clone();
    this.targetShape = target.clone();
    return this;
  }

  /**
   * Stepped on the driver's optimizer at the end of every epoch, as by {@code Trainer}; the next epoch's workers get
   * its learning rates with the optimizer state. Build it over {@link #optimizer()}.
   */
  public AllReduceTrainer scheduler(dev.backflow.optim.LrScheduler s) {
    this.scheduler = s;
    return this;
  }

  /** Save model, optimizer state and progress to {@code file} (atomically) at the end of every epoch. */
  public AllReduceTrainer checkpoint(java.nio.file.Path file) {
    this.checkpointFile = file;
    return this;
  }

  /** Called on the driver after every epoch with its training loss and accuracy. */
  public AllReduceTrainer onEpoch(java.util.function.Consumer<DataParallelTrainer.EpochStats> listener) {
    this.onEpoch = listener;
    return this;
  }

  /** Test hook: the first attempt of {@code partition}'s task fails at {@code step}. */
  AllReduceTrainer failFirstAttempt(long step, int partition) {
    this.fault = new GradientTask.FaultInjection(step, partition);
    return this;
  }

  public Module model() {
    return model;
  }

  public Optimizer optimizer() {
    return optimizer;
  }

  public long steps() {
    return step;
  }

  /** What a rank sends back at the end of an epoch; rank 0 adds the parameters and the optimizer. */
  record RankResult(int rank, double lossSum, long correct, long seen, float[] parameters, OptimizerSnapshot optimizer)
      implements Serializable {}

  /** Trains until {@code epochs} epochs are complete; returns each epoch's training loss and accuracy. */
  public List<DataParallelTrainer.EpochStats> fit(JavaRDD<Example> data, int epochs) throws IOException {
    return fitIndexed(data.zipWithIndex().mapToPair(t -> new Tuple2<>(t._2, t._1)), epochs);
  }

  /** As {@link #fit}, for examples keyed by their dataset index 0..N-1 (as {@link SparkData} gives them). */
  public List<DataParallelTrainer.EpochStats> fitIndexed(JavaPairRDD<Long, Example> examples, int epochs) throws IOException {
    JavaPairRDD<Long, Example> indexed = examples.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      int n = (int) indexed.count();
      int perEpoch = n / (workers * microBatch);
      if (perEpoch == 0) {
        throw new IllegalArgumentException("the data holds " + n + " examples, fewer than one step's " + workers + " workers x "
            + microBatch + " = " + workers * microBatch);
      }
      if (inputShape == null) inputShape = new int[] {indexed.first()._2.size()};
      List<DataParallelTrainer.EpochStats> history = new ArrayList<>();
      while (epoch < epochs) {
        long start = System.nanoTime();
        List<RankResult> ranks = runEpoch(indexed, n, perEpoch);
        double lossSum = 0;
        long correct = 0, seen = 0;
        for (RankResult r : ranks) {
          lossSum += r.lossSum();
          correct += r.correct();
          seen += r.seen();
        }
        if (scheduler != null) scheduler.step();
        if (checkpointFile != null) save();
        DataParallelTrainer.EpochStats stats = new DataParallelTrainer.EpochStats(epoch, lossSum / seen, (double) correct / seen, seen,
            (System.nanoTime() - start) / 1e9);
        history.add(stats);
        if (onEpoch != null) onEpoch.accept(stats);
      }
      return history;
    } finally {
      indexed.unpersist(false);
    }
  }

  /**
   * Continues from an epoch-end checkpoint of the same seed, k and n (from either mode: both write the same
   * progress fields, and their runs are the same run); the scheduler, if any, is stepped over the epochs done.
   */
  public java.util.Map<String, String> resume(java.nio.file.Path file) throws IOException {
    java.util.Map<String, String> meta = dev.backflow.train.Checkpoint.load(file, model, optimizer);
    for (String[] kv : new String[][] {{"seed", Long.toString(seed)}, {"workers", Integer.toString(workers)},
        {"micro_batch", Integer.toString(microBatch)}, {"step_in_epoch", "0"}}) {
      String saved = meta.get(kv[0]);
      if (!kv[1].equals(saved)) {
        throw new IOException(file + ": written with " + kv[0] + " = " + saved + " but this run needs " + kv[1]
            + (kv[0].equals("step_in_epoch") ? " (the all-reduce mode resumes at an epoch's end)" : ""));
      }
    }
    epoch = Integer.parseInt(meta.get("epoch"));
    step = Long.parseLong(meta.get("step"));
    if (scheduler != null) for (int e = 0; e < epoch; e++) scheduler.step();
    return meta;
  }

  private void save() throws IOException {
    java.util.Map<String, String> progress = new java.util.LinkedHashMap<>();
    progress.put("epoch", Integer.toString(epoch));
    progress.put("step_in_epoch", "0");
    progress.put("step", Long.toString(step));
    progress.put("seed", Long.toString(seed));
    progress.put("workers", Integer.toString(workers));
    progress.put("micro_batch", Integer.toString(microBatch));
    java.nio.file.Path parent = checkpointFile.toAbsolutePath().getParent();
    if (parent != null) java.nio.file.Files.createDirectories(parent);
    dev.backflow.train.Checkpoint.save(checkpointFile, model, optimizer, progress);
  }

  private List<RankResult> runEpoch(JavaPairRDD<Long, Example> indexed, int n, int perEpoch) {
    DataParallelTrainer.EpochShards s = DataParallelTrainer.shard(sc, indexed, n, perEpoch, epoch, seed, workers, microBatch);
    Broadcast<ParameterVersion> params = sc.broadcast(new ParameterVersion("allreduce", step, flatten(model)));
    Broadcast<OptimizerSnapshot> opt = sc.broadcast(OptimizerSnapshot.of(model, optimizer));
    EpochTask task = new EpochTask(params, opt, modelFactory, optimizerFactory, loss, workers, microBatch, perEpoch, step,
        inputShape, targetShape, fault);
    List<RankResult> results;
    try {
      // RDD.barrier() has no Java wrapper: the Scala API, with a serializable lambda as its function
      ClassTag<RankResult> tag = ClassTag$.MODULE$.apply(RankResult.class);
      RDD<RankResult> ranks = s.shards().rdd().barrier().mapPartitions(
          (Function1<scala.collection.Iterator<Shard>, scala.collection.Iterator<RankResult>> & Serializable)
              it -> CollectionConverters.asScala(task.run(CollectionConverters.asJava(it))), false, tag);
      // a shuffle after the barrier stage: Spark reruns a failed barrier stage only when it is a shuffle-map stage
      results = new ArrayList<>(JavaRDD.fromRDD(ranks, tag).mapToPair(r -> new Tuple2<>(r.rank(), r))
          .partitionBy(new HashPartitioner(1)).values().collect());
      results.sort(java.util.Comparator.comparingInt(RankResult::rank));
    } finally {
      s.shards().unpersist(false);
      s.positions().destroy();
      params.destroy();
      opt.destroy();
    }
    RankResult first = results.get(0);
    try (var g = Autograd.noGrad()) {
      int offset = 0;
      for (Tensor p : model.parameters()) {
        p.copy_(Tensor.of(Arrays.copyOfRange(first.parameters(), offset, offset + p.numel()), p.shape()));
        offset += p.numel();
      }
    }
    first.optimizer().restore(model, optimizer);
    epoch++;
    step += perEpoch;
    return results;
  }

  static float[] flatten(Module m) {
    List<Tensor> ps = m.parameters();
    int total = 0;
    for (Tensor p : ps) total += p.numel();
    float[] out = new float[total];
    int offset = 0;
    for (Tensor p : ps) {
      float[] v = p.toArray();
      System.arraycopy(v, 0, out, offset, v.length);
      offset += v.length;
    }
    return out;
  }

  /** One rank's epoch: the steps of its shard, with a ring all-reduce of the gradients at each. */
  record EpochTask(Broadcast<ParameterVersion> params, Broadcast<OptimizerSnapshot> opt, ModelFactory modelFactory,
      OptimizerFactory optimizerFactory, TrainingLoss loss, int workers, int microBatch, int perEpoch, long firstStep,
      int[] inputShape, int[] targetShape, GradientTask.FaultInjection fault) implements Serializable {

    java.util.Iterator<RankResult> run(java.util.Iterator<Shard> shards) {
      BarrierTaskContext ctx = BarrierTaskContext.get();
      int rank = ctx.partitionId();
      Shard shard = shards.next();
      try (ServerSocket server = new ServerSocket(0, workers)) {
        String host = ctx.getTaskInfos()[rank].address();
        host = host.contains(":") ? host.substring(0, host.lastIndexOf(':')) : InetAddress.getLocalHost().getHostAddress();
        String[] addresses = ctx.allGather(host + ":" + server.getLocalPort());
        if (addresses.length != workers) throw new IllegalStateException("the barrier stage has " + addresses.length + " tasks, not " + workers);
        Module model = modelFactory.create();
        ReplicaPool.Replica replica = new ReplicaPool.Replica(model);
        replica.load(params.value());
        Optimizer optimizer = optimizerFactory.create(model);
        opt.value().restore(model, optimizer);
        List<Tensor> ps = model.parameters();
        double lossSum = 0;
        long correct = 0, seen = 0;
        try (RingReducer ring = new RingReducer(rank, server, addresses)) {
          for (int s = 0; s < perEpoch; s++) {
            long step = firstStep + s;
            Batch batch = shard.batch(s, microBatch, inputShape, targetShape);
            model.train();
            model.zeroGrad();
            try (var keys = DropoutKeys.bind(step, shard.ids(s, microBatch))) {
              Tensor out = model.forward(batch.inputs());
              Tensor l = loss.apply(out, batch.targets());
              (workers == 1 ? l : l.mul(1f / workers)).backward();
              lossSum += (double) l.item() * microBatch;
              long c = GradientTask.countCorrect(out, batch.targets());
              correct += Math.max(c, 0);
              seen += microBatch;
            }
            if (fault != null) fault.maybeFail(step, rank);
            float[] flat = new float[(int) model.numParameters()];
            int offset = 0;
            for (Tensor p : ps) {
              if (p.grad() == null) {
                throw new IllegalStateException("AllReduceTrainer: a parameter of shape " + Arrays.toString(p.shape())
                    + " got no gradient; every parameter must take part in the loss in this mode");
              }
              System.arraycopy(p.grad().toArray(), 0, flat, offset, p.numel());
              offset += p.numel();
            }
            ring.allReduce(flat);
            try (var g = Autograd.noGrad()) {
              offset = 0;
              for (Tensor p : ps) {
                p.setGrad(Tensor.of(Arrays.copyOfRange(flat, offset, offset + p.numel()), p.shape()));
                offset += p.numel();
              }
            }
            optimizer.step();
            optimizer.zeroGrad();
          }
        }
        ctx.barrier();
        RankResult r = rank == 0
            ? new RankResult(rank, lossSum, correct, seen, flatten(model), OptimizerSnapshot.of(model, optimizer))
            : new RankResult(rank, lossSum, correct, seen, null, null);
        return List.of(r).iterator();
      } catch (IOException e) {
        throw new UncheckedIOException("rank " + rank + ": the gradient ring failed: " + e.getMessage(), e);
      }
    }
  }
}
