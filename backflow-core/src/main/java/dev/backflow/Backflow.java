package dev.backflow;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Process-wide settings, as {@code torch.manual_seed}: the default random generator that layers use when
 * they are built without one ({@code new Linear(784, 256)}), so a script seeds once and every layer's
 * initialization follows from that seed. Layers still take an explicit {@link RandomGenerator} where a
 * caller wants its own stream (e.g. two models initialized independently of construction order).
 *
 * <p>Like PyTorch's default generator, it starts from a fixed seed (0), so an unseeded program is
 * reproducible too; call {@link #manualSeed(long)} to choose another.
 */
public final class Backflow {
  private static final SharedGenerator DEFAULT = new SharedGenerator(0);

  private Backflow() {}

  /**
   * Reseeds the default generator: the layers, dropout masks and random tensors drawn from
   * {@link #generator()} after this call are the same run to run.
   *
   * @param seed any value; equal seeds give equal sequences
   */
  public static void manualSeed(long seed) {
    DEFAULT.reseed(seed);
  }

  /**
   * The default generator, shared by every thread (its draws are serialized). The same object is returned
   * before and after {@link #manualSeed(long)}: a Dropout layer built earlier follows the new seed.
   *
   * @return the process-wide generator
   */
  public static RandomGenerator generator() {
    return DEFAULT;
  }

  /** A generator whose seed can be reset in place; synchronized so concurrent layers draw safely. */
  private static final class SharedGenerator implements RandomGenerator {
    private SplittableRandom random;

    SharedGenerator(long seed) {
      random = new SplittableRandom(seed);
    }

    synchronized void reseed(long seed) {
      random = new SplittableRandom(seed);
    }

    @Override
    public synchronized long nextLong() {
      return random.nextLong();
    }

    @Override
    public synchronized int nextInt() {
      return random.nextInt();
    }

    @Override
    public synchronized double nextDouble() {
      return random.nextDouble();
    }

    @Override
    public synchronized float nextFloat() {
      return random.nextFloat();
    }

    @Override
    public synchronized double nextGaussian() {
      return random.nextGaussian();
    }
  }
}
