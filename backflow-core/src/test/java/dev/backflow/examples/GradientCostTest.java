package dev.backflow.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The cost study computes real gradients both ways and reports what it timed; no test here asserts a speed
 * (that is what {@code backflow explain cost} shows), only what the figures mean.
 */
class GradientCostTest {

  @Test
  void theArticlesLoopGivesBackpropsGradientsAndLeavesEveryWeightAsItWas() {
    GradientCost.Problem p = new GradientCost.Problem(new GradientCost.Shape(4), 0);
    List<float[]> before = p.model.parameters().stream().map(t -> t.toArray()).toList();
    double[] fd = GradientCost.finiteDifferences(p, true, 1e-2f, 0, p.model.numParameters(), 1);
    for (int i = 0; i < before.size(); i++) assertArrayEquals(before.get(i), p.model.parameters().get(i).toArray());
    double[] bp = p.backprop().stream().flatMapToDouble(a -> {
      double[] d = new double[a.length];
      for (int k = 0; k < a.length; k++) d[k] = a[k];
      return java.util.Arrays.stream(d);
    }).toArray();
    assertEquals(bp.length, fd.length);
    assertTrue(GradientCost.relative(fd, bp) < 1e-2, () -> "relative difference " + GradientCost.relative(fd, bp));
  }

  @Test
  void aStridedPassVisitsEveryStrideThWeightAcrossAllTensors() {
    GradientCost.Problem p = new GradientCost.Problem(new GradientCost.Shape(4), 0);
    long n = p.model.numParameters(); // 32*4+4 + 4*10+10 = 182
    double[] all = GradientCost.finiteDifferences(p, false, 1e-2f, 0, n, 1);
    double[] every7th = GradientCost.finiteDifferences(p, false, 1e-2f, 0, n, 7);
    assertEquals((n + 6) / 7, every7th.length);
    for (int k = 0; k < every7th.length; k++) assertEquals(all[7 * k], every7th[k], 1e-9);
  }

  @Test
  void theLadderRunsFromAboutAHundredToAboutAMillionParametersAndCountsThemAsTheModelDoes() {
    List<GradientCost.Shape> ladder = GradientCost.ladder();
    assertEquals(96, ladder.get(0).parameters());
    assertEquals(1_044_010, ladder.get(ladder.size() - 1).parameters());
    for (int i = 1; i < ladder.size(); i++) assertTrue(ladder.get(i).parameters() > ladder.get(i - 1).parameters());
    for (GradientCost.Shape s : ladder.subList(0, 5)) assertEquals(s.parameters(), s.build(0).numParameters(), s::describe);
    assertEquals("32-256-256-10", new GradientCost.Shape(256, 256).describe());
    assertEquals(new GradientCost.Shape(16, 16), GradientCost.nearest(900));
    assertEquals(new GradientCost.Shape(1000, 1000), GradientCost.nearest(5_000_000));
  }

  @Test
  void aFitRecoversTheSlopeOfAPowerLaw() {
    double[] n = {1e3, 1e4, 1e5}, t = {3e-6 * 1e6, 3e-6 * 1e8, 3e-6 * 1e10};
    GradientCost.Fit f = GradientCost.fit(n, t);
    assertEquals(2.0, f.slope(), 1e-9);
    assertEquals(3e-6 * 1e12, f.at(1e6), 1e-3);
  }

  @Test
  void aMeasurementTimesBothMethodsAndSaysWhetherItRanOverEveryWeight() {
    GradientCost.Measurement small = GradientCost.measure(new GradientCost.Shape(2), 1.0, 0);
    assertTrue(small.measured());
    assertEquals(96, small.sampled());
    assertTrue(small.forward() > 0 && small.forwardBackward() > 0 && small.oneSided() > 0 && small.central() > 0);
    GradientCost.Measurement sampled = GradientCost.measure(new GradientCost.Shape(64, 64), 1e-4, 0);
    assertFalse(sampled.measured());
    assertTrue(sampled.sampled() >= 64 && sampled.sampled() < sampled.parameters(), () -> "sampled " + sampled.sampled());
    String text = GradientCost.report(GradientCost.study(List.of(small, sampled)));
    assertTrue(text.contains("* not run over every weight"), text);
    assertTrue(text.contains("500,000x"), text);
  }

  @Test
  void float32FiniteDifferencesAreBestAtAMiddleEpsilonAndDoubleOnesAreFarMoreAccurate() {
    List<GradientCost.EpsilonPoint> sweep = GradientCost.epsilonSweep(0);
    GradientCost.EpsilonPoint f = GradientCost.best(sweep, GradientCost.EpsilonPoint::centralFloat);
    GradientCost.EpsilonPoint d = GradientCost.best(sweep, GradientCost.EpsilonPoint::centralDouble);
    // too large an epsilon (truncation) and too small (cancellation) are both worse than the best
    assertTrue(f.epsilon() < sweep.get(0).epsilon() && f.epsilon() > sweep.get(sweep.size() - 1).epsilon(), f::toString);
    assertTrue(sweep.get(sweep.size() - 1).centralFloat() > 100 * f.centralFloat(), () -> sweep.toString());
    assertTrue(d.centralDouble() < 1e-6 && d.centralDouble() < f.centralFloat() / 100, () -> f + " " + d);
    assertTrue(GradientCost.epsilonReport(sweep).contains("cancellation"));
  }
}
