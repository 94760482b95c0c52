package dev.backflow.backend;

import dev.backflow.backend.cpu.CpuBackend;

/**
 * Which backend ops dispatch to. Like grad mode, the choice is per thread: a thread may run under a
 * backend of its own for a scope (a {@code CapturedStep} records this way), while every other thread keeps
 * the process default. Two trainings in one JVM (a server, Spark's task threads) therefore never see each
 * other's recorder.
 */
public final class Backends {
  private static volatile Backend processDefault;
  private static final ThreadLocal<Backend> SCOPED = new ThreadLocal<>();
  // Scopes open on any thread. While there are none (nearly always) current() skips the thread-local lookup, which
  // every op makes several times. A thread sees its own scope's increment before its own set, so it never misses it.
  private static final java.util.concurrent.atomic.AtomicInteger OPEN_SCOPES = new java.util.concurrent.atomic.AtomicInteger();

  private Backends() {}

  /**
   * The backend of the calling thread: its scoped one if it is inside {@link #scoped}, else the process default.
   *
   * @return the backend ops on this thread dispatch to
   */
  public static Backend current() {
    Backend b = OPEN_SCOPES.get() == 0 ? null : SCOPED.get();
    return b != null ? b : processDefault();
  }

  /**
   * The backend threads use when they have not scoped one of their own: a {@code CpuBackend} (SIMD kernels when the
   * Vector API module is present) unless {@link #use} set another.
   *
   * @return the process-wide default
   */
  public static Backend processDefault() {
    Backend b = processDefault;
    if (b == null) {
      synchronized (Backends.class) {
        if (processDefault == null) processDefault = new CpuBackend();
        b = processDefault;
      }
    }
    return b;
  }

  /**
   * Replaces the process default for every thread that has not scoped its own (tests use this to run the whole suite on
   * the scalar twin). Set it at start-up, not while other threads are running ops.
   *
   * @param backend the new default
   * @throws NullPointerException if {@code backend} is null
   */
  public static void use(Backend backend) {
    processDefault = java.util.Objects.requireNonNull(backend, "Backends.use: the backend is null");
  }

  /**
   * Runs the calling thread's ops on {@code backend} until the scope is closed; other threads are not affected. Scopes
   * nest: closing one restores the backend that was current when it was opened.
   * {@code try (var s = Backends.scoped(recorder)) { ... }}
   *
   * @param backend the backend for this thread
   * @return the scope to close
   * @throws NullPointerException if {@code backend} is null
   */
  public static Scope scoped(Backend backend) {
    java.util.Objects.requireNonNull(backend, "Backends.scoped: the backend is null");
    Backend previous = SCOPED.get();
    OPEN_SCOPES.incrementAndGet();
    SCOPED.set(backend);
    boolean[] closed = {false};
    return () -> {
      if (closed[0]) return;
      closed[0] = true;
      if (previous == null) SCOPED.remove();
      else SCOPED.set(previous);
      OPEN_SCOPES.decrementAndGet();
    };
  }

  /** Restores the previous backend when closed. */
  @FunctionalInterface
  public interface Scope extends AutoCloseable {
    /** Restores the backend that was current on this thread when the scope was opened. */
    @Override
    void close();
  }
}
