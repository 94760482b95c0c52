package dev.backflow;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The default random generator, as {@code torch.manual_seed}: what layers use when they are built without one
 * ({@code new Linear(784, 256)}), so a script seeds once and every layer's initialization follows from that
 * seed. Layers still take an explicit {@link RandomGenerator} where a caller wants its own stream (e.g. two
 * models initialized independently of construction order).
 *
 * <p>Unlike PyTorch's single global generator, the stream is per thread, like grad mode and the backend: two
 * trainings running at once in one JVM (a server's requests, Spark's task threads) each draw from their own
 * stream and get the bits they get alone. {@link #manualSeed(long)} reseeds the calling thread's stream and
 * sets the seed that threads which have not drawn yet start from. It starts from seed 0, so an unseeded
 * program is reproducible too.
 */
public final class Backflow {
  private static volatile long processSeed;
  private static final ThreadLocal<SplittableRandom[]> STREAM =
      ThreadLocal.withInitial(() -> new SplittableRandom[] {new SplittableRandom(processSeed)});
  private static final RandomGenerator DEFAULT = new ThreadStream();

  private Backflow() {}

  /**
   * Reseeds the calling thread's default generator, and the one of every thread that has not drawn yet: the
   * layers, dropout masks and random tensors drawn from {@link #generator()} after this call are the same run
   * to run.
   *
   * @param seed any value; equal seeds give equal sequences
   */
  public static void manualSeed(long seed) {
    processSeed = seed;
    STREAM.get()[0] = new SplittableRandom(seed);
  }

  /**
   * The default generator. The same object is returned before and after {@link #manualSeed(long)} (a Dropout
   * layer built earlier follows the new seed); each thread that draws from it draws from its own stream.
   *
   * @return the default generator
   */
  public static RandomGenerator generator() {
    return DEFAULT;
  }

  /** Draws from the calling thread's stream. */
  private static final class ThreadStream implements RandomGenerator {
    private static SplittableRandom stream() {
      return STREAM.get()[0];
    }

    @Override
    public long nextLong() {
      return stream().nextLong();
    }

    @Override
    public int nextInt() {
      return stream().nextInt();
    }

    @Override
    public double nextDouble() {
      return stream().nextDouble();
    }

    @Override
    public float nextFloat() {
      return stream().nextFloat();
    }

    @Override
    public double nextGaussian() {
      return stream().nextGaussian();
    }
  }
}
