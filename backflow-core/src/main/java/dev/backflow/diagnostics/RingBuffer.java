package dev.backflow.diagnostics;

import java.util.Arrays;

/** The latest {@code capacity} values of a series: a monitor's memory stays fixed however long training runs. */
public final class RingBuffer {
  private final double[] values;
  private int next, size;
  private long total;

  public RingBuffer(int capacity) {
    if (capacity <= 0) throw new IllegalArgumentException("RingBuffer: capacity must be positive, got " + capacity);
    values = new double[capacity];
  }

  public void add(double v) {
    values[next] = v;
    next = (next + 1) % values.length;
    if (size < values.length) size++;
    total++;
  }

  /** Values held now (at most the capacity). */
  public int size() {
    return size;
  }

  /** Values ever added, including those overwritten. */
  public long total() {
    return total;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /** The i-th held value, oldest first. */
  public double get(int i) {
    if (i < 0 || i >= size) throw new IndexOutOfBoundsException("RingBuffer: index " + i + " of " + size + " values");
    return values[(next - size + i + values.length) % values.length];
  }

  public double last() {
    if (size == 0) throw new IllegalStateException("RingBuffer: empty");
    return get(size - 1);
  }

  /** The held values, oldest first. */
  public double[] toArray() {
    double[] out = new double[size];
    for (int i = 0; i < size; i++) out[i] = get(i);
    return out;
  }

  /**
   * Median of the finite values among the latest {@code n} (NaN when there are none): a median ignores the odd
   * spike of a noisy batch, and an overflowed sample says nothing about the typical size.
   */
  public double recentMedian(int n) {
    int k = Math.min(n, size), m = 0;
    double[] v = new double[k];
    for (int i = size - k; i < size; i++) {
      double x = get(i);
      if (Double.isFinite(x)) v[m++] = x;
    }
    if (m == 0) return Double.NaN;
    Arrays.sort(v, 0, m);
    return m % 2 == 1 ? v[m / 2] : (v[m / 2 - 1] + v[m / 2]) / 2;
  }

  /** Mean of the latest {@code n} values (NaN when empty). */
  public double recentMean(int n) {
    int k = Math.min(n, size);
    if (k == 0) return Double.NaN;
    double s = 0;
    for (int i = size - k; i < size; i++) s += get(i);
    return s / k;
  }
}
