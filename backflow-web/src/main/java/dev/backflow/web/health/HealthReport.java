package dev.backflow.web.health;

import java.util.List;
import java.util.Map;

/**
 * One of the doctor's demonstrations as the page draws it: every run's figures as its {@code GradientMonitor}
 * sampled them, and the monitor's findings. Numbers that are not finite (a run that overflowed) are null.
 */
public record HealthReport(String problem, String title, int seed, List<Run> runs) {

  /**
   * One training run. {@code steps} are the sampled steps, aligned with {@code globalNorms} and with each
   * layer's {@code gradNorms}; {@code epochLoss} is the mean training loss of each completed epoch.
   */
  public record Run(String label, boolean failing, String outcome, List<Double> epochLoss, List<Double> steps,
                    List<Double> globalNorms, List<Layer> layers, List<Unit> activations, List<Diagnosis> findings,
                    String report) {}

  /** A layer with parameters: its gradient-norm history and the medians of its latest samples. */
  public record Layer(String name, long weights, List<Double> gradNorms, Double recentGradNorm, Double recentUpdateRatio) {}

  /** A watched activation: ReLU units dead for the whole last epoch (-1 when none ended), or none for sigmoid and tanh. */
  public record Unit(String name, String kind, int units, int deadLastEpoch) {}

  /** A finding of the monitor, as {@code Finding} has it. */
  public record Diagnosis(String kind, String title, String layer, String explanation, Map<String, Double> figures,
                          List<String> remedies) {}
}
