package dev.backflow.backend.cpu;

import java.lang.ref.SoftReference;
import java.util.ArrayDeque;
import java.util.HashMap;

/**
 * Float arrays that the autograd engine said are dead (a gradient consumed by its node's rule, or an intermediate a
 * module declared once backward has consumed the graph; see {@link CpuBackend#recycle}), handed out again as the outputs of kernels that overwrite every element. A training
 * step makes hundreds of fresh outputs; a new array is zeroed by the JVM on the calling thread, in memory the
 * collector last touched steps ago, and counts towards the next collection. A recycled one was written a moment ago,
 * so it is in cache, and it is not garbage.
 *
 * <p>One pool per thread: an array released by one training's backward pass is only ever taken by kernels on that
 * thread, so two trainings in one JVM (a server, Spark's task threads) never share. Arrays are matched by exact
 * length; each length keeps a few, the pool a bounded total, and all of it is softly held so a JVM short of memory
 * can clear it.
 */
final class BufferPool {
  /**
   * At most this many floats per thread (256 MiB) and this many arrays of one length. A transformer step hands back its
   * blocks' intermediates all at once when backward ends (Graph.releaseAfterBackward), for the next forward pass to
   * take: on the bench's GPT (4 blocks, 2,048 tokens of width 128) 36 arrays and 71 MB, 24 of them of one length. With
   * 8 per length and 64 MiB the pool turned most of them away (92 MB allocated per step, then 67); with these, 42.
   */
  private static final long MAX_FLOATS = 64L << 20;
  private static final int MAX_PER_LENGTH = 64;
  /** Below this many floats an array costs less to allocate than to look up. */
  static final int MIN_LENGTH = 4096;

  private static final ThreadLocal<SoftReference<BufferPool>> POOLS = new ThreadLocal<>();

  private final HashMap<Integer, ArrayDeque<float[]>> free = new HashMap<>();
  private long floats;

  private BufferPool() {}

  private static BufferPool mine(boolean create) {
    SoftReference<BufferPool> ref = POOLS.get();
    BufferPool pool = ref == null ? null : ref.get();
    if (pool == null && create) {
      pool = new BufferPool();
      POOLS.set(new SoftReference<>(pool));
    }
    return pool;
  }

  /**
   * An array of exactly {@code length} floats for a kernel that writes every element: a recycled one (its old values
   * still in it) when this thread has one, else a new one.
   */
  static float[] take(int length) {
    if (length >= MIN_LENGTH) {
      BufferPool pool = mine(false);
      if (pool != null) {
        ArrayDeque<float[]> q = pool.free.get(length);
        float[] a = q == null ? null : q.pollLast();
        if (a != null) {
          pool.floats -= length;
          return a;
        }
      }
    }
    return new float[length];
  }

  /** Keeps {@code data} for a later {@link #take}; the caller guarantees nothing reads or writes it any more. */
  static void give(float[] data) {
    int length = data.length;
    if (length < MIN_LENGTH) return;
    BufferPool pool = mine(true);
    if (pool.floats + length > MAX_FLOATS) return;
    ArrayDeque<float[]> q = pool.free.computeIfAbsent(length, n -> new ArrayDeque<>());
    if (q.size() >= MAX_PER_LENGTH) return;
    for (float[] held : q) if (held == data) return; // given twice would be taken twice: two tensors on one array
    q.addLast(data);
    pool.floats += length;
  }
}
