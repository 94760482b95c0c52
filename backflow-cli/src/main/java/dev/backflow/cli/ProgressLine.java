package dev.backflow.cli;

import dev.backflow.train.EpochResult;
import dev.backflow.train.TrainingListener;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress display per epoch, "epoch k/n [####......] 12/16 batches, loss 0.6931, 5000 samples/s",
 * redrawn in place with carriage returns, so only for a terminal: piped logs get the summary lines alone.
 * The loss shown is the epoch's running mean weighted by batch size, the figure the epoch summary prints
 * when it ends.
 */
final class ProgressLine implements TrainingListener {
  private static final int WIDTH = 20;
  private final PrintWriter out;
  private final int totalEpochs;
  private final long intervalNanos;
  private int epoch, batches, done;
  private long samples, start, lastDraw;
  private double lossSum;
  private boolean active;

  /**
   * @param out where frames go (the terminal)
   * @param totalEpochs n in "epoch k/n": the run's last epoch number
   * @param intervalMillis the least time between frames (the last frame of an epoch is always drawn)
   */
  ProgressLine(PrintWriter out, int totalEpochs, long intervalMillis) {
    this.out = out;
    this.totalEpochs = totalEpochs;
    this.intervalNanos = intervalMillis * 1_000_000L;
  }

  /** Whether frames can be drawn: a console that is not redirected. */
  static boolean isTerminal() {
    return System.console() != null;
  }

  @Override
  public void onEpochStart(int epoch, int batches) {
    this.epoch = epoch;
    this.batches = batches;
    done = 0;
    samples = 0;
    lossSum = 0;
    start = System.nanoTime();
    lastDraw = 0;
    active = true;
  }

  @Override
  public void onStep(long step, double loss, int n) {
    if (!active) return;
    done++;
    samples += n;
    lossSum += loss * n;
    long now = System.nanoTime();
    if (done == batches || now - lastDraw >= intervalNanos) {
      lastDraw = now;
      out.print("\r" + frame(now));
      out.flush();
    }
  }

  /** The text of one frame. */
  String frame(long now) {
    int filled = batches == 0 ? WIDTH : (int) ((long) WIDTH * done / batches);
    double secs = Math.max((now - start) / 1e9, 1e-9);
    return String.format(Locale.ROOT, "epoch %d/%d [%s%s] %d/%d batches, loss %.4f, %.0f samples/s", epoch, totalEpochs,
        "#".repeat(filled), ".".repeat(WIDTH - filled), done, batches, samples == 0 ? Double.NaN : lossSum / samples,
        samples / secs);
  }

  @Override
  public void onEpochEnd(EpochResult result) {
    if (active && done > 0) {
      out.println();
      out.flush();
    }
    active = false;
  }
}
