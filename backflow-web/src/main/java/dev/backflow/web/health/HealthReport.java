package dev.backflow.web.health;

import java.util.List;

/**
 * The three experiments of the gradient health view. Norms are per step and per layer (layer 1 first);
 * a run that diverged has null from then on. Dead fractions are per hidden layer: the share of ReLUs
 * that output 0 for every training point (so no gradient reaches their weights any more).
 */
public record HealthReport(HealthRequest request, Run sigmoid, Run relu, Run unclipped, Run clipped) {
  /** {@code layerNorms[step][layer]}: ‖∂L/∂W‖ of each layer; {@code globalNorm}: of all parameters, before clipping. */
  public record Run(String name, String description, List<Double> loss, List<double[]> layerNorms,
                    List<Double> globalNorm, List<double[]> deadFraction, Integer divergedAt) {}
}
