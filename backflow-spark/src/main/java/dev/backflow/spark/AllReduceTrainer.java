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

  /** Trains until {@code epochs} epochs are complete; returns the mean training loss of each epoch run. */
  public List<Double> fit(JavaRDD<Example> data, int epochs) {
    JavaPairRDD<Long, Example> indexed = data.zipWithIndex().mapToPair(t -> new Tuple2<>(t._2, t._1))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      int n = (int) indexed.count();
      int perEpoch = n / (workers * microBatch);
      if (perEpoch == 0) {
        throw new IllegalArgumentException("the data holds " + n + " examples, fewer than one step's " + workers + " workers x "
            + microBatch + " = " + workers * microBatch);
      }
      if (inputShape == null) inputShape = new int[] {indexed.first()._2.size()};
      List<Double> losses = new ArrayList<>();
      while (epoch < epochs) losses.add(runEpoch(indexed, n, perEpoch));
      return losses;
    } finally {
      indexed.unpersist(false);
    }
  }

  private double runEpoch(JavaPairRDD<Long, Example> indexed, int n, int perEpoch) {
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
    double lossSum = 0;
    long seen = 0;
    for (RankResult r : results) {
      lossSum += r.lossSum();
      seen += r.seen();
    }
    return lossSum / seen;
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
