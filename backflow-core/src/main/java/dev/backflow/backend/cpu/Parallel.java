package dev.backflow.backend.cpu;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A persistent team of kernel threads for splitting one kernel call across cores: no thread is started per
 * op, the caller runs a share itself, and work is split only when the caller says it is large enough to pay.
 * Each task writes a disjoint part of the output in a fixed order, so results do not depend on the thread
 * count.
 *
 * <p>Idle workers spin briefly before parking, as OpenMP runtimes do: a training step makes dozens of
 * split calls a few microseconds to a millisecond apart, and waking a parked thread costs ~50 µs on a VM,
 * more than many of those calls take. After {@link #SPIN_NANOS} without work a worker parks, so an idle
 * program does not burn a core.
 */
public final class Parallel {
  private static final int CORES = Math.max(1, Runtime.getRuntime().availableProcessors());
  private static final long SPIN_NANOS = 2_000_000;
  private static volatile int threads = CORES;

  private Parallel() {}

  /**
   * Threads kernels may use, like {@code torch.get_num_threads()} (default: all cores).
   *
   * @return the current limit
   */
  public static int threads() {
    return threads;
  }

  /**
   * Limits the threads kernels use, like {@code torch.set_num_threads(n)}; takes effect for the next kernel call.
   *
   * @param n the number of threads, at least 1 (1 runs every kernel on the calling thread)
   * @throws IllegalArgumentException if {@code n} is not positive
   */
  public static void setThreads(int n) {
    if (n <= 0) throw new IllegalArgumentException("threads must be positive, got " + n);
    threads = n;
  }

  /** Element-wise work is split across cores in chunks of at least this many elements (memory-bound). */
  static final int CHUNK = 1 << 15;

  interface Range {
    void run(int from, int to);
  }

  /** Runs body over [from, to) in contiguous shares, one per core when there is enough work. */
  static void splitRange(int from, int to, Range body) {
    int n = to - from, tasks = Math.min(threads, Math.max(1, n / CHUNK));
    if (tasks <= 1) {
      if (n > 0) body.run(from, to);
      return;
    }
    int per = ((n + tasks - 1) / tasks + 15) / 16 * 16;
    forEach(tasks, t -> {
      int s = from + t * per, e = Math.min(to, s + per);
      if (s < e) body.run(s, e);
    });
  }

  /**
   * Runs body over [0, items) in contiguous shares of whole items (rows, kept entries), one share per core when the
   * whole job has at least {@code minWork} elements. Each item is computed by one thread as it would be alone.
   */
  static void splitItems(int items, long work, long minWork, Range body) {
    int tasks = work < minWork ? 1 : Math.min(threads, items);
    forEach(tasks, t -> {
      int s = (int) ((long) items * t / tasks), e = (int) ((long) items * (t + 1) / tasks);
      if (s < e) body.run(s, e);
    });
  }

  /** Runs body(0..tasks-1), task 0 on the calling thread, the rest on the team; returns when all are done. */
  static void forEach(int tasks, IntConsumer body) {
    if (tasks <= 1) {
      if (tasks == 1) body.accept(0);
      return;
    }
    Team team = Team.INSTANCE;
    // One split call at a time owns the team; a nested call (from inside a task) or one from another
    // thread meanwhile runs its tasks in order on its own thread: the same results, no deadlock.
    if (team.workers.length == 0 || !team.busy.compareAndSet(false, true)) {
      for (int t = 0; t < tasks; t++) body.accept(t);
      return;
    }
    try {
      team.run(tasks, body);
    } finally {
      team.busy.set(false);
    }
  }

  /**
   * Runs body(0..chunks-1) with each thread taking the next chunk as it finishes one, so a thread that
   * is slowed (by the JIT, the GC or a busy neighbour on a VM) does not hold the others up. Only for
   * chunks that write disjoint outputs: which thread runs a chunk must not change the result.
   */
  static void forEachDynamic(int chunks, IntConsumer body) {
    forEachClaiming(chunks, Integer.MAX_VALUE, next -> {
      for (int c; (c = next.getAsInt()) >= 0; ) body.accept(c);
    });
  }

  /**
   * As {@link #forEachDynamic}, with per-thread setup: each of at most {@code maxTasks} threads calls
   * {@code body} once with a source of chunk numbers (-1 when all are taken).
   */
  static void forEachClaiming(int chunks, int maxTasks, java.util.function.Consumer<java.util.function.IntSupplier> body) {
    int tasks = Math.min(Math.min(threads, chunks), maxTasks);
    AtomicInteger next = new AtomicInteger();
    java.util.function.IntSupplier claim = () -> {
      int c = next.getAndIncrement();
      return c < chunks ? c : -1;
    };
    forEach(Math.max(1, tasks), t -> body.accept(claim));
  }

  private static final class Team {
    static final Team INSTANCE = new Team();

    final AtomicBoolean busy = new AtomicBoolean();
    final Worker[] workers;
    final AtomicInteger pending = new AtomicInteger();
    /** The current call; each worker runs its share of each Job object once. IDLE drops the last body. */
    volatile Job job = IDLE;
    volatile Throwable failure;

    private Team() {
      workers = new Worker[CORES - 1];
      for (int i = 0; i < workers.length; i++) {
        workers[i] = new Worker(this, i + 1);
        workers[i].start();
      }
    }

    void run(int n, IntConsumer work) {
      int shared = Math.min(n - 1, workers.length);
      failure = null;
      pending.set(shared);
      job = new Job(work, n);
      for (int i = 0; i < shared; i++) if (workers[i].parked) LockSupport.unpark(workers[i]);
      Throwable mine = null;
      try {
        work.accept(0);
        // Tasks beyond the team's size (threads set above the core count) run here, in order.
        for (int t = shared + 1; t < n; t++) work.accept(t);
      } catch (Throwable e) {
        mine = e;
      }
      while (pending.get() != 0) Thread.onSpinWait();
      job = IDLE;
      Throwable theirs = failure;
      if (mine != null || theirs != null) {
        Throwable e = mine != null ? mine : theirs;
        if (e instanceof RuntimeException) throw (RuntimeException) e;
        if (e instanceof Error) throw (Error) e;
        throw new IllegalStateException(e);
      }
    }
  }

  private static final Job IDLE = new Job(t -> { }, 0);

  private static final class Job {
    final IntConsumer body;
    final int tasks;

    Job(IntConsumer body, int tasks) {
      this.body = body;
      this.tasks = tasks;
    }
  }

  private static final class Worker extends Thread {
    private final Team team;
    private final int index;
    volatile boolean parked;

    Worker(Team team, int index) {
      super("backflow-kernel-" + index);
      this.team = team;
      this.index = index;
      setDaemon(true);
    }

    @Override
    public void run() {
      Job seen = IDLE;
      while (true) {
        long spinStart = System.nanoTime();
        Job j;
        while ((j = team.job) == seen) {
          if (System.nanoTime() - spinStart < SPIN_NANOS) {
            Thread.onSpinWait();
          } else {
            parked = true;
            if (team.job == seen) LockSupport.park(this);
            parked = false;
            spinStart = System.nanoTime();
          }
        }
        seen = j;
        if (index < j.tasks) {
          try {
            j.body.accept(index);
          } catch (Throwable e) {
            team.failure = e;
          }
          team.pending.decrementAndGet();
        }
      }
    }
  }
}
