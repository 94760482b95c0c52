package dev.backflow.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Mini-batches over a dataset, as torch.utils.data.DataLoader: optional shuffling from a seed (a new
 * permutation each epoch, derived from the seed and the epoch number, so a resumed run sees the same
 * order), drop-last, and background prefetch of the next batches on a daemon thread so batch assembly
 * overlaps the training step.
 */
public final class DataLoader implements Iterable<Batch> {
  private final Dataset dataset;
  private final int batchSize;
  private final boolean shuffle, dropLast;
  private final int prefetch;
  private final long seed;
  private int epoch;

  public DataLoader(Dataset dataset, int batchSize, boolean shuffle, long seed) {
    this(dataset, batchSize, shuffle, false, seed, 2);
  }

  public DataLoader(Dataset dataset, int batchSize, boolean shuffle, boolean dropLast, long seed, int prefetch) {
    if (batchSize <= 0) throw new IllegalArgumentException("DataLoader: batch size must be positive, got " + batchSize);
    if (prefetch < 0) throw new IllegalArgumentException("DataLoader: prefetch must be 0 or more, got " + prefetch);
    if (dataset.size() == 0) throw new IllegalArgumentException("DataLoader: the dataset is empty");
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.prefetch = prefetch;
    this.seed = seed;
  }

  public int batchesPerEpoch() {
    int n = dataset.size();
    return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
  }

  public Dataset dataset() {
    return dataset;
  }

  /** The epoch the next iteration will shuffle for (set it when resuming). */
  public void setEpoch(int epoch) {
    this.epoch = epoch;
  }

  public int epoch() {
    return epoch;
  }

  /** The example order of the next epoch. */
  private int[] nextOrder() {
    int n = dataset.size();
    int[] order = shuffle ? EpochOrder.permutation(seed, epoch, n) : EpochOrder.identity(n);
    epoch++;
    return order;
  }

  /** Each call is one epoch. */
  @Override
  public Iterator<Batch> iterator() {
    int[] order = nextOrder();
    int batches = batchesPerEpoch();
    Iterator<Batch> direct = new Iterator<>() {
      int next;

      @Override
      public boolean hasNext() {
        return next < batches;
      }

      @Override
      public Batch next() {
        if (!hasNext()) throw new NoSuchElementException();
        int from = next * batchSize, to = Math.min(order.length, from + batchSize);
        next++;
        return dataset.batch(java.util.Arrays.copyOfRange(order, from, to));
      }
    };
    return prefetch == 0 ? direct : new Prefetching(direct, prefetch);
  }

  /** Runs the source iterator on a daemon thread, {@code depth} batches ahead. */
  private static final class Prefetching implements Iterator<Batch> {
    private static final Object END = new Object();
    private final BlockingQueue<Object> queue;
    private Object head;

    Prefetching(Iterator<Batch> source, int depth) {
      queue = new ArrayBlockingQueue<>(depth);
      Thread t = new Thread(() -> {
        try {
          while (source.hasNext()) queue.put(source.next());
          queue.put(END);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
          try {
            queue.put(e);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
          }
        }
      }, "backflow-prefetch");
      t.setDaemon(true);
      t.start();
    }

    @Override
    public boolean hasNext() {
      if (head == null) {
        try {
          head = queue.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for the next batch", e);
        }
      }
      if (head instanceof RuntimeException) throw (RuntimeException) head;
      return head != END;
    }

    @Override
    public Batch next() {
      if (!hasNext()) throw new NoSuchElementException();
      Batch b = (Batch) head;
      head = null;
      return b;
    }
  }
}
