package dev.backflow.web.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backflow.web.engine.TrainingRun;
import dev.backflow.web.setup.BadRequest;
import dev.backflow.web.setup.SetupParser;
import org.junit.jupiter.api.Test;

/** Traces of multi-layer networks: the chain-rule terms add up to the engine's gradients, batches and penalties included. */
class NetworkTraceTest {
  static TrainingRun run(String json) throws Exception {
    return new TrainingRun(SetupParser.parse(new ObjectMapper().readTree(json)));
  }

  @Test
  void termsSumToTheDataGradientOfEveryParameterOverABatch() throws Exception {
    StepTrace t = TraceRecorder.record(run("{\"dataset\":\"xor4\",\"layers\":\"2\",\"act\":\"sigmoid\",\"loss\":\"squared\",\"batch\":\"4\"}"), -1);
    assertEquals(4, t.examples().size());
    assertEquals(2 * 2 + 2 + 2 + 1, t.params().size());
    for (StepTrace.ParamTrace p : t.params()) {
      double sum = p.terms().stream().mapToDouble(StepTrace.ChainTerm::product).sum();
      assertEquals(p.dataGrad(), sum, 1e-6, p.name());
      assertEquals(p.grad(), p.dataGrad(), 0, "no penalty, so the gradient is all data: " + p.name());
    }
  }

  @Test
  void sgdMovesEveryParameterByLearningRateTimesGradient() throws Exception {
    StepTrace t = TraceRecorder.record(run("{\"dataset\":\"circles\",\"layers\":\"3,3\",\"act\":\"tanh\",\"lr\":\"0.3\"}"), -1);
    for (StepTrace.ParamTrace p : t.params()) assertEquals(p.old() - 0.3 * p.grad(), p.next(), 1e-6, p.name());
  }

  @Test
  void hiddenGradientsAreTheLayerAboveSentBackThroughTheWeights() throws Exception {
    StepTrace t = TraceRecorder.record(run("{\"dataset\":\"moons\",\"layers\":\"3\",\"act\":\"relu\",\"loss\":\"half_squared\"}"), 5);
    StepTrace.LayerTrace hidden = t.layers().get(0), out = t.layers().get(1);
    for (int i = 0; i < 3; i++) {
      int from = i;
      double w = t.params().stream().filter(p -> p.layer() == 2 && p.from() == from).findFirst().orElseThrow().old();
      assertEquals(w * out.dLdz()[0][0], hidden.dLda()[0][i], 1e-6);
      assertEquals(hidden.dLda()[0][i] * hidden.dadz()[0][i], hidden.dLdz()[0][i], 1e-6);
    }
  }

  @Test
  void l2PenaltyAddsLambdaTimesTheWeightToWeightsOnly() throws Exception {
    StepTrace t = TraceRecorder.record(run("{\"dataset\":\"blobs\",\"layers\":\"2\",\"reg\":\"l2\",\"regRate\":\"0.1\"}"), -1);
    for (StepTrace.ParamTrace p : t.params()) {
      double expected = p.kind().equals("weight") ? 0.1 * p.old() : 0;
      assertEquals(expected, p.penaltyGrad(), 1e-6, p.name());
    }
    assertTrue(t.loss().penalty() > 0);
  }

  @Test
  void crossEntropyIsFusedAndItsSplitFactorsStillMultiplyToTheGradient() throws Exception {
    StepTrace t = TraceRecorder.record(run("{\"dataset\":\"spirals\",\"layers\":\"4\",\"loss\":\"cross_entropy\",\"batch\":\"1\"}"), -1);
    assertTrue(t.loss().fused());
    StepTrace.LayerTrace out = t.layers().get(1);
    double yHat = out.a()[0][0], y = t.targets()[0][0];
    assertEquals(yHat - y, out.dLdz()[0][0], 1e-6, "BCE with logits: dL/dz = ŷ − y for one example");
    assertEquals(out.dLdz()[0][0], out.dLda()[0][0] * out.dadz()[0][0], 1e-5);
  }

  @Test
  void largeNetworksLeaveTheTermsOutButKeepEveryNumberElse() throws Exception {
    StepTrace t = TraceRecorder.record(run("{\"dataset\":\"circles\",\"layers\":\"16,16,16,16\",\"batch\":\"32\"}"), -1);
    assertNull(t.params().get(0).terms());
    assertEquals(32, t.layers().get(0).z().length);
  }

  @Test
  void anExampleOutsideTheTrainingSetIsARequestError() throws Exception {
    BadRequest e = assertThrows(BadRequest.class, () -> TraceRecorder.record(run("{\"dataset\":\"xor4\"}"), 4));
    assertEquals("example 4 does not exist; the training set has 4 examples (0 to 3)", e.getMessage());
  }
}
