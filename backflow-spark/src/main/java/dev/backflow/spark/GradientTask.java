package dev.backflow.spark;

import dev.backflow.autograd.Autograd;
import dev.backflow.data.Batch;
import dev.backflow.tensor.Tensor;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;

/**
 * One worker's share of one step, run by Spark on the partition holding its shard: load the broadcast
 * parameters, compute the gradient of micro-batch {@code stepInEpoch} of the shard with the loss scaled by 1/k
 * (as {@code Trainer.accumulate(k)} does), and send it back. A pure function of (parameter version, data slice,
 * step), so a retried task returns the same bits.
 */
final class GradientTask implements Function2<Integer, Iterator<Shard>, Iterator<MicroBatchGradient>> {
  private static final long serialVersionUID = 1L;
  private final Broadcast<ParameterVersion> parameters;
  private final ModelFactory factory;
  private final TrainingLoss loss;
  private final int workers, microBatch, stepInEpoch;
  private final long step;
  private final int[] inputShape, targetShape;
  private final FaultInjection fault;

  GradientTask(Broadcast<ParameterVersion> parameters, ModelFactory factory, TrainingLoss loss, int workers, int microBatch,
      int stepInEpoch, long step, int[] inputShape, int[] targetShape, FaultInjection fault) {
    this.parameters = parameters;
    this.factory = factory;
    this.loss = loss;
    this.workers = workers;
    this.microBatch = microBatch;
    this.stepInEpoch = stepInEpoch;
    this.step = step;
    this.inputShape = inputShape;
    this.targetShape = targetShape;
    this.fault = fault;
  }

  @Override
  public Iterator<MicroBatchGradient> call(Integer partition, Iterator<Shard> shards) {
    if (!shards.hasNext()) throw new IllegalStateException("partition " + partition + " holds no shard for this epoch");
    Shard shard = shards.next();
    long start = System.nanoTime();
    ParameterVersion p = parameters.value();
    ReplicaPool.Replica replica = ReplicaPool.borrowOrCreate(p.run(), factory);
    try {
      replica.load(p);
      long loaded = System.nanoTime();
      Batch batch = shard.batch(stepInEpoch, microBatch, inputShape, targetShape);
      replica.model.train();
      replica.model.zeroGrad();
      float value;
      long correct;
      try (var keys = DropoutKeys.bind(step, shard.ids(stepInEpoch, microBatch))) {
        Tensor out = replica.model.forward(batch.inputs());
        Tensor l = loss.apply(out, batch.targets());
        (workers == 1 ? l : l.mul(1f / workers)).backward();
        value = l.item();
        correct = countCorrect(out, batch.targets());
      }
      if (fault != null) fault.maybeFail(step, partition);
      List<Tensor> params = replica.params;
      int total = 0;
      for (Tensor t : params) total += t.numel();
      float[] flat = new float[total];
      boolean[] has = new boolean[params.size()];
      int offset = 0;
      for (int j = 0; j < params.size(); j++) {
        Tensor g = params.get(j).grad();
        if (g != null) {
          System.arraycopy(g.toArray(), 0, flat, offset, g.numel());
          has[j] = true;
        }
        offset += params.get(j).numel();
      }
      replica.model.zeroGrad();
      long done = System.nanoTime();
      return List.of(new MicroBatchGradient(partition, flat, has, value, correct, microBatch, loaded - start, done - loaded))
          .iterator();
    } finally {
      ReplicaPool.giveBack(p.run(), replica);
    }
  }

  /** As the single-machine Trainer counts: argmax of logits [N, C] against class targets [N]; -1 otherwise. */
  static long countCorrect(Tensor out, Tensor targets) {
    try (var g = Autograd.noGrad()) {
      if (out.dim() == 2 && targets.dim() == 1 && out.shape(1) > 1) return (long) out.argmax(1).eq(targets).sum().item();
      return -1;
    }
  }

  /**
   * Test hook: fail a task's first attempt at a given step, to show that Spark's retry changes no bit. (A failed
   * barrier task makes Spark resubmit the whole stage, whose tasks count their attempts from 0 again: only the
   * first stage attempt fails.)
   */
  record FaultInjection(long step, int partition) implements java.io.Serializable {
    void maybeFail(long atStep, int atPartition) {
      TaskContext ctx = TaskContext.get();
      if (atStep == step && atPartition == partition && ctx != null && ctx.attemptNumber() == 0 && ctx.stageAttemptNumber() == 0) {
        throw new IllegalStateException("injected failure: step " + step + ", partition " + partition + ", first attempt");
      }
    }
  }
}
