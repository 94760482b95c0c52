package dev.backflow.diagnostics;

/** The mean loss of the first {@code window} steps and of the latest {@code window}: is training getting anywhere? */
final class LossTrend {
  private final int window;
  private final RingBuffer latest;
  private double firstSum, lastFinite = Double.NaN;
  private int firstCount;

  LossTrend(int window) {
    this.window = window;
    this.latest = new RingBuffer(window);
  }

  void add(double loss) {
    if (firstCount < window) {
      firstSum += loss;
      firstCount++;
    }
    latest.add(loss);
    lastFinite = loss;
  }

  int window() {
    return window;
  }

  long count() {
    return latest.total();
  }

  double lastFinite() {
    return lastFinite;
  }

  /** Mean of the first window (NaN before any loss). */
  double firstMean() {
    return firstCount == 0 ? Double.NaN : firstSum / firstCount;
  }

  double latestMean() {
    return latest.recentMean(window);
  }

  /** True once the first and the latest windows no longer overlap. */
  boolean hasTwoWindows() {
    return latest.total() >= 2L * window;
  }
}
