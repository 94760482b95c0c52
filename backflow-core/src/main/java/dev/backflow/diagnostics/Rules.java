package dev.backflow.diagnostics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The rules that turn the monitor's figures into findings, each with its explanation in the user's terms. */
final class Rules {
  /** The update-ratio rules need this many samples: Adam's first steps are always about lr per weight. */
  static final int MIN_UPDATE_SAMPLES = 5;

  private Rules() {}

  /**
   * An earlier layer whose gradient per weight is orders of magnitude below that of a later layer: the signal
   * fades on its way back to the input. Names the layer with the smallest ratio.
   */
  static Finding vanishing(List<LayerStats> layers, List<ActivationStats> activations, Thresholds t) {
    int n = layers.size();
    if (n < 2) return null;
    double[] rms = new double[n];
    for (int i = 0; i < n; i++) rms[i] = layers.get(i).recentGradRms(GradientMonitor.RECENT);
    // the largest gradient at or after each layer
    double[] laterMax = new double[n];
    int[] laterArg = new int[n];
    laterMax[n - 1] = Double.NaN;
    double best = rms[n - 1];
    int bestAt = n - 1;
    for (int i = n - 2; i >= 0; i--) {
      laterMax[i] = best;
      laterArg[i] = bestAt;
      if (Double.isFinite(rms[i]) && !(rms[i] <= best)) {
        best = rms[i];
        bestAt = i;
      }
    }
    int worst = -1, below = 0;
    double worstRatio = Double.POSITIVE_INFINITY;
    for (int i = 0; i < n - 1; i++) {
      if (!Double.isFinite(rms[i]) || !(laterMax[i] > 0) || !Double.isFinite(laterMax[i])) continue;
      double ratio = rms[i] / laterMax[i];
      if (ratio < t.vanishingRatio()) below++;
      if (ratio < worstRatio) {
        worstRatio = ratio;
        worst = i;
      }
    }
    if (worst < 0 || !(worstRatio < t.vanishingRatio())) return null;
    LayerStats l = layers.get(worst), ref = layers.get(laterArg[worst]);
    Map<String, Double> fig = new LinkedHashMap<>();
    fig.put("gradient per weight", rms[worst]);
    fig.put("later gradient per weight", laterMax[worst]);
    fig.put("ratio", worstRatio);
    fig.put("layers below", (double) below);
    fig.put("layers", (double) n);
    double saturated = -1;
    String saturatedAt = null;
    for (ActivationStats a : activations) {
      double s = a.saturatedHistory().recentMedian(GradientMonitor.RECENT);
      if (s > saturated) {
        saturated = s;
        saturatedAt = a.name();
      }
    }
    String extra = "";
    if (saturatedAt != null && saturated >= 0) {
      fig.put("saturated outputs", saturated);
      extra = saturated >= 0.1
          ? String.format(Locale.ROOT, " %.0f%% of the outputs of %s sit in the flat tails, where the slope is almost 0.",
              100 * saturated, saturatedAt)
          : String.format(Locale.ROOT, " No activation is saturated (the most saturated has %.0f%% of its outputs in the flat"
              + " tails): the gradient shrinks because every layer multiplies it by the activation's slope, at most 0.25 for a"
              + " sigmoid, and by weights that do not make up for it.", 100 * saturated);
    }
    String why = String.format(Locale.ROOT, "the gradient reaching %s is %s per weight, %s times the %s reaching %s: it shrinks"
        + " by a factor at every layer on its way back, so the early layers barely learn. %d of %d layers are more than %s"
        + " times below a later one.%s", l.name(), fmt(rms[worst]), fmt(worstRatio), fmt(laterMax[worst]), ref.name(),
        below, n, fmt(1 / t.vanishingRatio()), extra);
    return finding(Finding.Kind.VANISHING_GRADIENTS, l.name(), fig, why);
  }

  static Finding exploding(long step, double norm, double firstNorm, LayerStats largest, double largestNorm, Thresholds t) {
    Map<String, Double> fig = new LinkedHashMap<>();
    fig.put("step", (double) step);
    fig.put("gradient norm", norm);
    fig.put("first gradient norm", firstNorm);
    fig.put("growth", norm / firstNorm);
    fig.put("bound", t.explodingNorm());
    fig.put("layer gradient norm", largestNorm);
    String why = String.format(Locale.ROOT, "the gradient norm over all parameters reached %s at step %d, %s times its first"
        + " value %s and past the bound of %s: large gradients make large steps, which make larger gradients, until the"
        + " values overflow. %s has the largest gradient (%s).", fmt(norm), step, fmt(norm / firstNorm), fmt(firstNorm),
        fmt(t.explodingNorm()), largest.name(), fmt(largestNorm));
    return finding(Finding.Kind.EXPLODING_GRADIENTS, largest.name(), fig, why);
  }

  /** {@code layer}: the non-finite layer nearest the loss, where the backward pass first overflowed. */
  static Finding nonFiniteGradient(long step, double loss, LayerStats layer, int nonFinite, int layers) {
    Map<String, Double> fig = new LinkedHashMap<>();
    fig.put("step", (double) step);
    fig.put("loss", loss);
    fig.put("non-finite layers", (double) nonFinite);
    String why = String.format(Locale.ROOT, "the gradient became infinite or NaN at step %d while the loss was still finite"
        + " (%s): it overflowed float32 on its way back, first at %s, the nearest the loss of the %d of %d layers affected."
        + " Autograd.detectAnomaly(true) names the op.", step, fmt(loss), layer.name(), nonFinite, layers);
    return finding(Finding.Kind.EXPLODING_GRADIENTS, layer.name(), fig, why);
  }

  /** {@code nearestNonFinite}: where the gradient turned non-finite, or null when every layer's did (no clue there). */
  static Finding nanLoss(long step, double loss, double lastFinite, LayerStats nearestNonFinite) {
    Map<String, Double> fig = new LinkedHashMap<>();
    fig.put("step", (double) step);
    fig.put("loss", loss);
    fig.put("last finite loss", lastFinite);
    String where = nearestNonFinite == null ? "" : " The gradient is non-finite from " + nearestNonFinite.name() + " towards the input.";
    String why = String.format(Locale.ROOT, "the loss became %s at step %d (the last finite loss was %s).%s Run again with"
        + " Autograd.detectAnomaly(true): it names the first op that produced NaN or infinity, its input shapes and the"
        + " line of your code that called it.", fmt(loss), step, fmt(lastFinite), where);
    return finding(Finding.Kind.NAN_LOSS, nearestNonFinite == null ? "loss" : nearestNonFinite.name(), fig, why);
  }

  static Finding deadUnits(ActivationStats a, int dead, int epoch) {
    Map<String, Double> fig = new LinkedHashMap<>();
    fig.put("dead units", (double) dead);
    fig.put("units", (double) a.units());
    fig.put("dead fraction", (double) dead / a.units());
    fig.put("epoch", (double) epoch);
    String why = String.format(Locale.ROOT, "%d of %d units of %s output zero for every training example of epoch %d (%.0f%%):"
        + " a ReLU that never fires passes no gradient back, so nothing can revive it, and the capacity is lost.",
        dead, a.units(), a.name(), epoch, 100.0 * dead / a.units());
    return finding(Finding.Kind.DEAD_UNITS, a.name(), fig, why);
  }

  /** Some layer's recent steps change its weights by more than the high bound, relative to their norm. */
  static Finding learningRateTooHigh(List<LayerStats> layers, Thresholds t) {
    LayerStats worst = null;
    double worstRatio = -1;
    int above = 0, judged = 0;
    for (LayerStats l : layers) {
      RingBuffer r = l.updateRatioHistory();
      if (r.size() < MIN_UPDATE_SAMPLES) continue;
      double m = r.recentMedian(GradientMonitor.RECENT);
      if (!Double.isFinite(m)) continue;
      judged++;
      if (m > t.highUpdateRatio()) above++;
      if (m > worstRatio) {
        worstRatio = m;
        worst = l;
      }
    }
    if (worst == null || !(worstRatio > t.highUpdateRatio())) return null;
    Map<String, Double> fig = new LinkedHashMap<>();
    fig.put("update/weight", worstRatio);
    fig.put("bound", t.highUpdateRatio());
    fig.put("layers above", (double) above);
    fig.put("layers", (double) judged);
    String why = String.format(Locale.ROOT, "each step changes the weights of %s by %s of their norm (median of the latest"
        + " samples), above %s and far from the ~1e-3 that trains steadily: the optimizer overshoots, so the loss jumps"
        + " around instead of falling. %d of %d layers are above %s.", worst.name(), fmt(worstRatio), fmt(t.highUpdateRatio()),
        above, judged, fmt(t.highUpdateRatio()));
    return finding(Finding.Kind.LEARNING_RATE_TOO_HIGH, worst.name(), fig, why);
  }

  /**
   * The typical layer (the median over layers of each one's recent update ratio) changes by less than the low
   * bound per step: the whole network creeps, which is the learning rate's doing. The median rather than every
   * layer, because a nearly converged output layer or a large last gradient can keep one layer fast while the
   * rest barely move; vanishing gradients, which also slow the early layers, are reported as such instead.
   */
  static Finding learningRateTooLow(List<LayerStats> layers, Thresholds t) {
    List<Double> ratios = new java.util.ArrayList<>();
    LayerStats fastest = null;
    double fastestRatio = -1;
    for (LayerStats l : layers) {
      RingBuffer r = l.updateRatioHistory();
      if (r.size() < MIN_UPDATE_SAMPLES) continue;
      double m = r.recentMedian(GradientMonitor.RECENT);
      if (!Double.isFinite(m)) continue;
      ratios.add(m);
      if (m > fastestRatio) {
        fastestRatio = m;
        fastest = l;
      }
    }
    if (fastest == null) return null;
    java.util.Collections.sort(ratios);
    int k = ratios.size();
    double typical = k % 2 == 1 ? ratios.get(k / 2) : (ratios.get(k / 2 - 1) + ratios.get(k / 2)) / 2;
    if (!(typical < t.lowUpdateRatio())) return null;
    Map<String, Double> fig = new LinkedHashMap<>();
    fig.put("typical update/weight", typical);
    fig.put("largest update/weight", fastestRatio);
    fig.put("bound", t.lowUpdateRatio());
    String why = String.format(Locale.ROOT, "a typical layer changes by only %s of its weights' norm per step (the median over"
        + " %d layers of the latest samples; the fastest, %s, by %s), below %s and far from the ~1e-3 that trains steadily:"
        + " the loss falls, but slowly, and at this pace training needs about %s times more steps.", fmt(typical), k,
        fastest.name(), fmt(fastestRatio), fmt(t.lowUpdateRatio()), fmt(1e-3 / Math.max(typical, 1e-30)));
    return finding(Finding.Kind.LEARNING_RATE_TOO_LOW, "model", fig, why);
  }

  static Finding stalled(LossTrend loss, Thresholds t) {
    if (!loss.hasTwoWindows()) return null;
    double first = loss.firstMean(), latest = loss.latestMean();
    if (!(first > 0) || !Double.isFinite(latest)) return null;
    double improvement = (first - latest) / first;
    if (improvement >= t.stallImprovement()) return null;
    Map<String, Double> fig = new LinkedHashMap<>();
    fig.put("first mean loss", first);
    fig.put("latest mean loss", latest);
    fig.put("improvement", improvement);
    fig.put("window", (double) loss.window());
    fig.put("steps", (double) loss.count());
    String why = String.format(Locale.ROOT, "the mean loss of the latest %d steps (%s) is within %s%% of the first %d steps'"
        + " (%s) after %d steps: nothing is being learned, and no gradient rule explains why.", loss.window(), fmt(latest),
        fmt(100 * t.stallImprovement()), loss.window(), fmt(first), loss.count());
    return finding(Finding.Kind.STALLED_LOSS, "model", fig, why);
  }

  private static Finding finding(Finding.Kind kind, String layer, Map<String, Double> figures, String why) {
    return new Finding(kind, layer, figures, Character.toUpperCase(why.charAt(0)) + why.substring(1), kind.remedies());
  }

  static String fmt(double v) {
    return Finding.format(v);
  }
}
