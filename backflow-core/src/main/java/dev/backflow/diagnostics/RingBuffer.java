package dev.backflow.diagnostics;

import java.util.Arrays;

/** The latest {@code capacity} values of a series: a monitor's memory stays fixed however long training runs. */
public final class RingBuffer {
  private final double[] values;
  private int next, size;
  private long total;

  /**
   * An empty buffer.
   *
   * @param capacity how many of the latest values to keep, positive
   * @throws IllegalArgumentException if {@code capacity} is not positive
   */
  public RingBuffer(int capacity) {
    if (capacity <= 0) throw new IllegalArgumentException("RingBuffer: capacity must be positive, got " + capacity);
    values = new double[capacity];
  }

  /**
   * Appends a value, overwriting the oldest once the buffer is full.
   *
   * @param v the value
   */
  public void add(double v) {
    values[next] = v;
    next = (next + 1) % values.length;
    if (size < values.length) size++;
    total++;
  }

  /**
   * Values held now (at most the capacity).
   * @return the number of values that {@link #get} can read
   */
  public int size() {
    return size;
  }

  /**
   * Values ever added, including those overwritten.
   * @return the count of all {@link #add} calls
   */
  public long total() {
    return total;
  }

  /**
   * Whether no value has been added yet.
   *
   * @return true if {@link #size()} is 0
   */
  public boolean isEmpty() {
    return size == 0;
  }

  /**
   * The i-th held value, oldest first.
   * @param i the position among the held values, 0 for the oldest
   * @return the value
   * @throws IndexOutOfBoundsException if {@code i} is not in {@code [0, size())}
   */
  public double get(int i) {
    if (i < 0 || i >= size) throw new IndexOutOfBoundsException("RingBuffer: index " + i + " of " + size + " values");
    return values[(next - size + i + values.length) % values.length];
  }

  /**
   * The most recently added value.
   *
   * @return the newest value
   * @throws IllegalStateException if the buffer is empty
   */
  public double last() {
    if (size == 0) throw new IllegalStateException("RingBuffer: empty");
    return get(size - 1);
  }

  /**
   * The held values, oldest first.
   * @return a new array of {@link #size()} values
   */
  public double[] toArray() {
    double[] out = new double[size];
    for (int i = 0; i < size; i++) out[i] = get(i);
    return out;
  }

  /**
   * Median of the finite values among the latest {@code n} (NaN when there are none): a median ignores the odd
   * spike of a noisy batch, and an overflowed sample says nothing about the typical size.
   * @param n how many of the latest values to consider
   * @return the median, or NaN
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

  /**
   * Mean of the latest {@code n} values (NaN when empty).
   * @param n how many of the latest values to consider
   * @return the mean, or NaN
   */
  public double recentMean(int n) {
    int k = Math.min(n, size);
    if (k == 0) return Double.NaN;
    double s = 0;
    for (int i = size - k; i < size; i++) s += get(i);
    return s / k;
  }
}
