package dev.backflow.web.cost;

import dev.backflow.examples.GradientCost;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The page's cost panel: times all gradients of one network by finite differences and by one forward +
 * backward pass with {@link GradientCost}, the same code {@code backflow explain cost} runs, on a budget that
 * keeps an answer within a few seconds (finite differences beyond it are timed on a sample of weights and
 * scaled, and the answer says so).
 */
public final class CostPanel {
  /** Seconds finite differences may run over every weight before they are sampled instead. */
  static final double BUDGET_SECONDS = 1.0;

  private CostPanel() {}

  /**
   * One size, timed. Times in seconds; {@code passCount} is n / (1 + backward/forward), the speedup that
   * counting passes predicts; {@code sampledWeights} equals {@code parameters} when every weight was run.
   */
  public record Result(String network, long parameters, double forward, double forwardBackward, double backwardOverForward,
                       double oneSided, double central, boolean everyWeight, long sampledWeights, double speedup,
                       double centralSpeedup, double passCount) {}

  public static Result run(CostRequest r) {
    GradientCost.Measurement m = GradientCost.measure(r.shape(), BUDGET_SECONDS, 0);
    return new Result(m.shape().describe(), m.parameters(), m.forward(), m.forwardBackward(), m.backwardOverForward(),
        m.oneSided(), m.central(), m.measured(), m.sampled(), m.speedup(), m.centralSpeedup(),
        m.parameters() / (1 + m.backwardOverForward()));
  }

  /** The sizes the learner can pick, for the page's menu. */
  public static List<Map<String, Object>> sizes() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (GradientCost.Shape s : GradientCost.ladder()) out.add(Map.of("parameters", s.parameters(), "network", s.describe()));
    return out;
  }
}
