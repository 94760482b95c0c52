package dev.backflow.web.health;

import dev.backflow.diagnostics.ActivationStats;
import dev.backflow.diagnostics.Demonstrations;
import dev.backflow.diagnostics.Finding;
import dev.backflow.diagnostics.LayerStats;
import dev.backflow.train.EpochResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gradient health view is {@code backflow doctor} in the browser: it runs one of
 * {@link Demonstrations}' failures beside its cures, each watched by a {@code GradientMonitor}, and hands the
 * monitor's figures and findings to the page. Nothing is measured or judged here; this class only reshapes.
 */
public final class GradientHealth {
  /** A demonstration is a pure function of its name and seed: the latest few are kept, so a reload costs nothing. */
  private static final int CACHED = 16;
  private static final Map<HealthRequest, HealthReport> CACHE = new LinkedHashMap<>(CACHED, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<HealthRequest, HealthReport> eldest) {
      return size() > CACHED;
    }
  };

  private GradientHealth() {}

  public static HealthReport run(HealthRequest r) {
    synchronized (CACHE) {
      HealthReport cached = CACHE.get(r);
      if (cached != null) return cached;
    }
    HealthReport report = of(Demonstrations.byName(r.problem(), r.seed()), r.seed());
    synchronized (CACHE) {
      CACHE.put(r, report);
    }
    return report;
  }

  static HealthReport of(Demonstrations.Demonstration d, int seed) {
    List<HealthReport.Run> runs = new ArrayList<>();
    for (Demonstrations.Run r : d.runs()) runs.add(run(r, r == d.failing()));
    return new HealthReport(d.name(), d.title(), seed, runs);
  }

  private static HealthReport.Run run(Demonstrations.Run r, boolean failing) {
    List<HealthReport.Layer> layers = new ArrayList<>();
    for (LayerStats l : r.monitor().layers()) {
      layers.add(new HealthReport.Layer(l.name(), l.numel(), finite(l.gradNorms()), finite(l.recentGradNorm()),
          finite(l.recentUpdateRatio())));
    }
    List<HealthReport.Unit> units = new ArrayList<>();
    for (ActivationStats a : r.monitor().activations()) {
      units.add(new HealthReport.Unit(a.name(), a.kind().name(), a.units(), a.deadLastEpoch()));
    }
    List<HealthReport.Diagnosis> findings = new ArrayList<>();
    for (Finding f : r.monitor().findings()) {
      Map<String, Double> figures = new LinkedHashMap<>();
      f.figures().forEach((k, v) -> figures.put(k, finite(v)));
      findings.add(new HealthReport.Diagnosis(f.kind().name(), f.kind().title(), f.layer(), f.explanation(), figures, f.remedies()));
    }
    List<Double> epochLoss = new ArrayList<>();
    for (EpochResult e : r.history()) epochLoss.add(finite(e.train().loss()));
    return new HealthReport.Run(r.label(), failing, r.outcome(), epochLoss, finite(r.monitor().sampledSteps()),
        finite(r.monitor().globalGradNorms()), layers, units, findings, r.monitor().report());
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }

  private static List<Double> finite(double[] vs) {
    List<Double> out = new ArrayList<>(vs.length);
    for (double v : vs) out.add(finite(v));
    return out;
  }
}
