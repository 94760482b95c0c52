package dev.backflow.autograd;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;

/** Test helper: runs a body on two threads released together, and fails with the first failure of either. */
final class TwoThreads {
  /** What each thread runs, told which of the two it is (0 or 1). */
  interface Body {
    void run(int id) throws Exception;
  }

  private TwoThreads() {}

  static void run(Body body) throws InterruptedException {
    CyclicBarrier start = new CyclicBarrier(2);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread[] threads = new Thread[2];
    for (int t = 0; t < 2; t++) {
      int id = t;
      threads[t] = new Thread(() -> {
        try {
          start.await();
          body.run(id);
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      });
      threads[t].start();
    }
    for (Thread t : threads) t.join();
    if (failure.get() != null) throw new AssertionError(failure.get());
  }
}
