package dev.backflow.spark;

/**
 * What a {@link KeyedDropout} draws its masks from, bound to the current thread for one forward pass: the
 * optimizer step and the global index of each row of the batch. The data-parallel trainer binds them on every
 * worker; a single-machine loop that wants the same masks binds them itself.
 */
public final class DropoutKeys {
  private static final ThreadLocal<Keys> CURRENT = new ThreadLocal<>();

  private DropoutKeys() {}

  /** The step (0-based, counted over the whole run) and the dataset index of each example in the batch. */
  public record Keys(long step, long[] examples) {}

  /** Restores the keys that were bound before. */
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  public static Scope bind(long step, long[] examples) {
    Keys before = CURRENT.get();
    CURRENT.set(new Keys(step, examples.clone()));
    return () -> {
      if (before == null) CURRENT.remove();
      else CURRENT.set(before);
    };
  }

  /** The keys bound on this thread, or null. */
  public static Keys current() {
    return CURRENT.get();
  }
}
