package dev.backflow.diagnostics;

/**
 * Where the monitor's rules draw the line. The defaults flag only what is clearly broken; the comments say
 * where each number comes from.
 *
 * @param vanishingRatio   an earlier layer's gradient (per weight) below this fraction of a later layer's
 * @param explodingNorm    a global gradient norm past this bound...
 * @param explodingGrowth  ...that has also grown this many times since the first step (or any non-finite norm)
 * @param deadFraction     a ReLU layer with at least this fraction of units silent for a whole epoch
 * @param highUpdateRatio  a step changing some layer's weights by more than this fraction of their norm
 * @param lowUpdateRatio   the typical (median) layer's step smaller than this fraction of its weights' norm
 * @param stallWindow      steps averaged at the start and at the end to judge progress
 * @param stallImprovement the least relative fall of the loss, start window to latest window, that is progress
 */
public record Thresholds(double vanishingRatio, double explodingNorm, double explodingGrowth, double deadFraction,
                         double highUpdateRatio, double lowUpdateRatio, int stallWindow, double stallImprovement) {

  /**
   * Checks every bound, so a misspelt threshold fails here rather than silently disabling a rule.
   *
   * @throws IllegalArgumentException if a value is out of its range (the message names it), or
   *     {@code lowUpdateRatio >= highUpdateRatio}
   * @param vanishingRatio see the record's description; positive
   * @param explodingNorm positive
   * @param explodingGrowth 1 or more
   * @param deadFraction in (0, 1]
   * @param highUpdateRatio positive
   * @param lowUpdateRatio positive, below {@code highUpdateRatio}
   * @param stallWindow positive
   * @param stallImprovement in [0, 1)
   */
  public Thresholds {
    positive("vanishingRatio", vanishingRatio);
    positive("explodingNorm", explodingNorm);
    if (!(explodingGrowth >= 1)) throw new IllegalArgumentException("explodingGrowth must be 1 or more, got " + explodingGrowth);
    if (!(deadFraction > 0 && deadFraction <= 1)) throw new IllegalArgumentException("deadFraction must be in (0, 1], got " + deadFraction);
    positive("highUpdateRatio", highUpdateRatio);
    positive("lowUpdateRatio", lowUpdateRatio);
    if (lowUpdateRatio >= highUpdateRatio) {
      throw new IllegalArgumentException("lowUpdateRatio (" + lowUpdateRatio + ") must be below highUpdateRatio (" + highUpdateRatio + ")");
    }
    if (stallWindow <= 0) throw new IllegalArgumentException("stallWindow must be a positive number of steps, got " + stallWindow);
    if (!(stallImprovement >= 0 && stallImprovement < 1)) {
      throw new IllegalArgumentException("stallImprovement must be in [0, 1), got " + stallImprovement);
    }
  }

  /**
   * Vanishing below 1e-3 (three orders of magnitude); exploding past a norm of 100 after growing 100x
   * (cross-entropy gradients start near 1); dead when half of a layer's units never fire (healthy networks
   * often carry 10-20% dead units; the failure kills most of a layer); update-to-weight
   * ratio above 0.1 in some layer, two orders of magnitude over the 1e-3 rule of thumb, or below 1e-4 in the
   * typical layer, where a learning rate 100x too low puts it (SGD at 0.001 instead of 0.1 on the doctor's
   * moons MLP: 2-6e-5, against 1-3e-3); stalled
   * when the mean loss of the latest 100 steps is within 1% of the first 100 steps'.
   * @return the default thresholds
   */
  public static Thresholds defaults() {
    return new Thresholds(1e-3, 100, 100, 0.5, 0.1, 1e-4, 100, 0.01);
  }

  /**
   * A copy with another vanishing-gradient bound.
   *
   * @param v the new {@code vanishingRatio}, positive
   * @return new thresholds; this one is unchanged
   * @throws IllegalArgumentException if {@code v} is not positive
   */
  public Thresholds withVanishingRatio(double v) {
    return new Thresholds(v, explodingNorm, explodingGrowth, deadFraction, highUpdateRatio, lowUpdateRatio, stallWindow, stallImprovement);
  }

  /**
   * A copy with other exploding-gradient bounds.
   *
   * @param norm the new {@code explodingNorm}, positive
   * @param growth the new {@code explodingGrowth}, 1 or more
   * @return new thresholds; this one is unchanged
   * @throws IllegalArgumentException if a value is out of range
   */
  public Thresholds withExploding(double norm, double growth) {
    return new Thresholds(vanishingRatio, norm, growth, deadFraction, highUpdateRatio, lowUpdateRatio, stallWindow, stallImprovement);
  }

  /**
   * A copy with another dead-unit bound.
   *
   * @param v the new {@code deadFraction}, in (0, 1]
   * @return new thresholds; this one is unchanged
   * @throws IllegalArgumentException if {@code v} is out of range
   */
  public Thresholds withDeadFraction(double v) {
    return new Thresholds(vanishingRatio, explodingNorm, explodingGrowth, v, highUpdateRatio, lowUpdateRatio, stallWindow, stallImprovement);
  }

  /**
   * A copy with other update-to-weight ratio bounds.
   *
   * @param low the new {@code lowUpdateRatio}, positive and below {@code high}
   * @param high the new {@code highUpdateRatio}, positive
   * @return new thresholds; this one is unchanged
   * @throws IllegalArgumentException if a value is out of range or {@code low >= high}
   */
  public Thresholds withUpdateRatios(double low, double high) {
    return new Thresholds(vanishingRatio, explodingNorm, explodingGrowth, deadFraction, high, low, stallWindow, stallImprovement);
  }

  /**
   * A copy with another stalled-loss rule.
   *
   * @param window the new {@code stallWindow}, in steps, positive
   * @param improvement the new {@code stallImprovement}, in [0, 1)
   * @return new thresholds; this one is unchanged
   * @throws IllegalArgumentException if a value is out of range
   */
  public Thresholds withStall(int window, double improvement) {
    return new Thresholds(vanishingRatio, explodingNorm, explodingGrowth, deadFraction, highUpdateRatio, lowUpdateRatio, window, improvement);
  }

  private static void positive(String name, double v) {
    if (!(v > 0) || !Double.isFinite(v)) throw new IllegalArgumentException(name + " must be a positive number, got " + v);
  }
}
