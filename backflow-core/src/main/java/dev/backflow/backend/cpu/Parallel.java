package dev.backflow.backend.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A persistent pool for splitting one kernel call across cores: no thread is started per op, the
 * caller runs a share itself, and work is split only when the caller says it is large enough to pay.
 * Each task writes a disjoint part of the output in a fixed order, so results do not depend on the
 * thread count.
 */
public final class Parallel {
  private static volatile int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
  private static volatile ForkJoinPool pool;

  private Parallel() {}

  /** Threads kernels may use (default: all cores). */
  public static int threads() {
    return threads;
  }

  public static void setThreads(int n) {
    if (n <= 0) throw new IllegalArgumentException("threads must be positive, got " + n);
    threads = n;
  }

  private static ForkJoinPool pool() {
    ForkJoinPool p = pool;
    if (p == null) {
      synchronized (Parallel.class) {
        if (pool == null) {
          AtomicInteger id = new AtomicInteger();
          pool = new ForkJoinPool(Math.max(1, Runtime.getRuntime().availableProcessors()), fj -> {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(fj);
            t.setName("backflow-kernel-" + id.incrementAndGet());
            t.setDaemon(true);
            return t;
          }, null, false);
        }
        p = pool;
      }
    }
    return p;
  }

  /** Runs body(0..tasks-1), task 0 on the calling thread, the rest on the pool; returns when all are done. */
  static void forEach(int tasks, IntConsumer body) {
    if (tasks <= 1) {
      if (tasks == 1) body.accept(0);
      return;
    }
    ForkJoinTask<?>[] futures = new ForkJoinTask<?>[tasks - 1];
    ForkJoinPool p = pool();
    for (int t = 1; t < tasks; t++) {
      int task = t;
      futures[t - 1] = p.submit(() -> body.accept(task));
    }
    body.accept(0);
    for (ForkJoinTask<?> f : futures) f.join();
  }
}
