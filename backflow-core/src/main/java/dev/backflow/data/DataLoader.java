package dev.backflow.data;

import java.lang.ref.WeakReference;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Mini-batches over a dataset, as torch.utils.data.DataLoader: optional shuffling from a seed (a new
 * permutation each epoch, derived from the seed and the epoch number, so a resumed run sees the same
 * order), drop-last, and background prefetch of the next batches on a daemon thread so batch assembly
 * overlaps the training step.
 *
 * <p>An epoch counts when its iteration runs to the end: {@code loader.iterator().next()} (a look at one
 * batch) neither moves the loader to the next epoch's order nor starts a thread, and an iterator left
 * half-way replays that epoch's order the next time. The prefetch thread starts at the second batch and
 * ends with its epoch, or soon after its iterator is dropped.
 */
public final class DataLoader implements Iterable<Batch> {
  private final Dataset dataset;
  private final int batchSize;
  private final boolean shuffle, dropLast;
  private final int prefetch;
  private final long seed;
  private int epoch;

  /**
   * A loader that keeps a last short batch and prefetches 2 batches; {@code seed} fixes the shuffles.
   * Like {@code DataLoader(dataset, batch_size, shuffle)} with a seeded generator.
   *
   * @param dataset the examples
   * @param batchSize the examples per batch, positive
   * @param shuffle true for a new random order each epoch, false for the dataset's order
   * @param seed the seed of the shuffles: the same seed gives the same order in each epoch
   * @throws IllegalArgumentException if {@code batchSize} is not positive or the dataset is empty
   */
  public DataLoader(Dataset dataset, int batchSize, boolean shuffle, long seed) {
    this(dataset, batchSize, shuffle, false, seed, 2);
  }

  /**
   * A loader with every option: {@code dropLast} leaves out a last short batch, {@code prefetch} batches are made ahead on a thread (0: none).
   * @param dataset the examples
   * @param batchSize the examples per batch, positive
   * @param shuffle true for a new random order each epoch, false for the dataset's order
   * @param dropLast true to leave out a last batch shorter than {@code batchSize} (PyTorch's {@code drop_last})
   * @param seed the seed of the shuffles: the same seed gives the same order in each epoch
   * @param prefetch how many batches to assemble ahead on a background thread, 0 or more
   * @throws IllegalArgumentException if {@code batchSize} is not positive, {@code prefetch} is negative, the dataset is
   *     empty, or {@code dropLast} would leave no batch at all
   */
  public DataLoader(Dataset dataset, int batchSize, boolean shuffle, boolean dropLast, long seed, int prefetch) {
    if (batchSize <= 0) throw new IllegalArgumentException("DataLoader: batch size must be positive, got " + batchSize);
    if (prefetch < 0) throw new IllegalArgumentException("DataLoader: prefetch must be 0 or more, got " + prefetch);
    if (dataset.size() == 0) throw new IllegalArgumentException("DataLoader: the dataset is empty");
    // PyTorch gives len(loader) == 0 here and a training loop that silently does nothing; say it at once
    if (dropLast && dataset.size() < batchSize) {
      throw new IllegalArgumentException("DataLoader: " + dataset.size() + " examples with batch size " + batchSize
          + " and dropLast=true give no batch at all (dropLast leaves out the one short batch); use a batch size of at most "
          + dataset.size() + ", or dropLast=false");
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.prefetch = prefetch;
    this.seed = seed;
  }

  /**
   * The number of batches in an epoch (len(loader)).
   * @return the number of batches one iteration yields
   */
  public int batchesPerEpoch() {
    int n = dataset.size();
    return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
  }

  /**
   * The examples per batch (loader.batch_size); the last batch may be shorter unless {@link #dropLast()}.
   * @return the batch size given at construction
   */
  public int batchSize() {
    return batchSize;
  }

  /**
   * Whether a last short batch is left out (loader.drop_last).
   * @return true if a last short batch is left out
   */
  public boolean dropLast() {
    return dropLast;
  }

  /**
   * The dataset batched (loader.dataset).
   * @return the dataset given at construction
   */
  public Dataset dataset() {
    return dataset;
  }

  /**
   * The epoch the next iteration will shuffle for (set it when resuming).
   *
   * @param epoch the number of epochs already done
   */
  public synchronized void setEpoch(int epoch) {
    this.epoch = epoch;
  }

  /**
   * The epoch the next iteration will shuffle for: the epochs run to the end so far, plus {@link #setEpoch}.
   *
   * @return the epoch number, from 0
   */
  public synchronized int epoch() {
    return epoch;
  }

  /**
   * One epoch: the batches in the order of epoch {@link #epoch()}; running it to the end moves the loader
   * to the next epoch.
   *
   * @return an iterator over this epoch's batches
   */
  @Override
  public Iterator<Batch> iterator() {
    int thisEpoch = epoch();
    int n = dataset.size();
    int[] order = shuffle ? EpochOrder.permutation(seed, thisEpoch, n) : EpochOrder.identity(n);
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
    Iterator<Batch> batchesOut = prefetch == 0 ? direct : new Prefetching(direct, prefetch);
    // counted on the consumer's side: the epoch is done when its last batch has been taken
    return new Iterator<>() {
      boolean counted;

      @Override
      public boolean hasNext() {
        boolean more = batchesOut.hasNext();
        if (!more && !counted) {
          counted = true;
          synchronized (DataLoader.this) {
            if (epoch == thisEpoch) epoch = thisEpoch + 1;
          }
        }
        return more;
      }

      @Override
      public Batch next() {
        if (!hasNext()) throw new NoSuchElementException();
        return batchesOut.next();
      }
    };
  }

  /**
   * Runs the source iterator on a daemon thread, {@code depth} batches ahead. The first batch is made on
   * the caller's thread and the thread starts at the second, so a look at one batch starts none; the
   * thread holds its consumer weakly and ends once the consumer is unreachable.
   */
  private static final class Prefetching implements Iterator<Batch> {
    private static final Object END = new Object();
    private final Iterator<Batch> source;
    private final int depth;
    private BlockingQueue<Object> queue;
    private boolean firstServed;
    private Object head;

    Prefetching(Iterator<Batch> source, int depth) {
      this.source = source;
      this.depth = depth;
    }

    private void start() {
      queue = new ArrayBlockingQueue<>(depth);
      Thread t = new Thread(produce(source, queue, new WeakReference<>(this)), "backflow-prefetch");
      t.setDaemon(true);
      t.start();
    }

    // static: the thread must not hold its consumer strongly, or an abandoned iterator would never be freed
    private static Runnable produce(Iterator<Batch> source, BlockingQueue<Object> queue, WeakReference<Prefetching> owner) {
      return () -> {
        try {
          while (source.hasNext()) {
            if (!put(queue, source.next(), owner)) return;
          }
          put(queue, END, owner);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
          try {
            put(queue, e, owner);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
          }
        }
      };
    }

    /** Waits for room; false once the consumer is gone. */
    private static boolean put(BlockingQueue<Object> queue, Object item, WeakReference<Prefetching> owner)
        throws InterruptedException {
      while (!queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
        if (owner.get() == null) return false;
      }
      return true;
    }

    @Override
    public boolean hasNext() {
      if (!firstServed) return source.hasNext();
      if (queue == null) start();
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
      if (!firstServed) {
        if (!source.hasNext()) throw new NoSuchElementException();
        firstServed = true;
        return source.next();
      }
      if (!hasNext()) throw new NoSuchElementException();
      Batch b = (Batch) head;
      head = null;
      return b;
    }
  }
}
