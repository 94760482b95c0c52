package dev.backflow.data;

import java.util.SplittableRandom;

/**
 * The example order of a shuffled epoch: a Fisher–Yates permutation drawn from a generator seeded by
 * (seed, epoch) alone. {@link DataLoader} and the Spark data-parallel trainer both use it, so a run on one
 * machine and a run on a cluster visit the examples in the same order, and a resumed run sees the order the
 * uninterrupted one would have.
 */
public final class EpochOrder {
  private EpochOrder() {}

  /**
   * A permutation of 0..n-1 that depends only on {@code seed} and {@code epoch} (0-based).
   * @param seed the run's seed
   * @param epoch the epoch number, from 0
   * @param n the number of examples, 0 or more
   * @return a new array holding each of 0..n-1 once
   * @throws IllegalArgumentException if {@code n} is negative
   */
  public static int[] permutation(long seed, int epoch, int n) {
    if (n < 0) throw new IllegalArgumentException("EpochOrder: the number of examples must be 0 or more, got " + n);
    SplittableRandom rng = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (epoch + 1)));
    int[] order = identity(n);
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  /**
   * 0..n-1 in order (an unshuffled epoch).
   * @param n the number of examples
   * @return a new array {@code {0, 1, ..., n-1}}
   */
  public static int[] identity(int n) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) order[i] = i;
    return order;
  }
}
