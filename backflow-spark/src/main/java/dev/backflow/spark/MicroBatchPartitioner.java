package dev.backflow.spark;

import org.apache.spark.Partitioner;

/**
 * Sends the example at epoch position {@code pos} to the worker that computes its micro-batch: micro-batch
 * m = pos / n goes to partition m mod k, so at every step partition p holds micro-batch step·k + p.
 */
final class MicroBatchPartitioner extends Partitioner {
  private static final long serialVersionUID = 1L;
  private final int workers, microBatch;

  MicroBatchPartitioner(int workers, int microBatch) {
    this.workers = workers;
    this.microBatch = microBatch;
  }

  @Override
  public int numPartitions() {
    return workers;
  }

  @Override
  public int getPartition(Object key) {
    return (int) ((((Integer) key) / microBatch) % workers);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MicroBatchPartitioner m && m.workers == workers && m.microBatch == microBatch;
  }

  @Override
  public int hashCode() {
    return 31 * workers + microBatch;
  }
}
