package dev.backflow.diagnostics;

import dev.backflow.nn.Activation;
import java.util.List;
import java.util.Locale;

/** The monitor's figures and findings as plain text, for a terminal or a log. */
final class HealthReport {
  private HealthReport() {}

  static String format(GradientMonitor m) {
    StringBuilder sb = new StringBuilder();
    LossTrend loss = m.lossTrend();
    sb.append(String.format(Locale.ROOT, "Gradient health after %d steps (%d epochs), sampled every %s%n",
        m.steps(), m.epochs(), m.every() == 1 ? "step" : m.every() + " steps"));
    if (loss.count() > 0) {
      sb.append(String.format(Locale.ROOT, "loss: %s (mean of the first %d steps) -> %s (mean of the latest %d)%n",
          Rules.fmt(loss.firstMean()), Math.min(loss.window(), loss.count()), Rules.fmt(loss.latestMean()),
          Math.min(loss.window(), loss.count())));
    }
    sb.append(String.format(Locale.ROOT, "%n%-28s %10s %12s %12s %14s%n", "layer", "weights", "grad norm", "weight norm",
        "update/weight"));
    for (LayerStats l : m.layers()) {
      sb.append(String.format(Locale.ROOT, "%-28s %10d %12s %12s %14s%n", l.name(), l.numel(),
          cell(l.gradNormHistory().recentMedian(GradientMonitor.RECENT)), cell(l.weightNormHistory().recentMedian(GradientMonitor.RECENT)),
          cell(l.updateRatioHistory().recentMedian(GradientMonitor.RECENT))));
    }
    if (!m.activations().isEmpty()) {
      sb.append(String.format(Locale.ROOT, "%n%-28s %10s %18s %14s %12s%n", "activation", "units", "dead (last epoch)",
          "dead in batch", "saturated"));
      for (ActivationStats a : m.activations()) {
        boolean relu = a.kind() == Activation.Kind.RELU;
        String deadEpoch = !relu || a.deadLastEpoch() < 0 ? "-" : a.deadLastEpoch() + " (" + pct((double) a.deadLastEpoch() / a.units()) + ")";
        sb.append(String.format(Locale.ROOT, "%-28s %10d %18s %14s %12s%n", a.name(), a.units(), deadEpoch,
            relu ? pct(a.deadInBatchHistory().recentMedian(GradientMonitor.RECENT)) : "-",
            relu ? "-" : pct(a.saturatedHistory().recentMedian(GradientMonitor.RECENT))));
      }
    }
    sb.append(String.format(Locale.ROOT, "(medians of the latest %d samples)%n%n", GradientMonitor.RECENT));
    List<Finding> findings = m.findings();
    if (findings.isEmpty()) {
      sb.append("No findings: gradients flow to every layer, no unit is dead, and the steps are well sized.").append('\n');
    }
    for (Finding f : findings) {
      sb.append(f.kind()).append(" at ").append(f.layer()).append('\n');
      sb.append("  ").append(f.explanation()).append('\n');
      sb.append("  figures: ").append(f.figuresText()).append('\n');
      sb.append("  remedies:\n");
      for (String r : f.remedies()) sb.append("    - ").append(r).append('\n');
    }
    return sb.toString();
  }

  private static String cell(double v) {
    return Double.isNaN(v) ? "-" : Rules.fmt(v);
  }

  private static String pct(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * v);
  }
}
