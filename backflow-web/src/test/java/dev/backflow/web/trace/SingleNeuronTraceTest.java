package dev.backflow.web.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backflow.examples.ArticleRounding;
import dev.backflow.web.engine.TrainingRun;
import dev.backflow.web.server.JsonMapping;
import dev.backflow.web.setup.SetupParser;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The worked example through the page's own path: the "single neuron" set-up, one traced step, the
 * numbers the stepper shows (4 decimals) and the numbers in the JSON it receives (6 decimals).
 */
class SingleNeuronTraceTest {
  static final String PRESET = "{\"dataset\":\"neuron\",\"layers\":\"\",\"act\":\"\",\"loss\":\"squared\","
      + "\"opt\":\"sgd\",\"lr\":\"0.1\",\"batch\":\"1\"}";

  static StepTrace traceOfPreset() throws Exception {
    TrainingRun run = new TrainingRun(SetupParser.parse(new ObjectMapper().readTree(PRESET)));
    return TraceRecorder.record(run, -1);
  }

  static String d4(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }

  static String d6(double v) {
    return String.format(Locale.ROOT, "%.6f", v);
  }

  @Test
  void showsTheWorkedNumbersToFourDecimals() throws Exception {
    StepTrace t = traceOfPreset();
    StepTrace.ParamTrace w = t.params().get(0), b = t.params().get(1);
    assertEquals("W1[0][0]", w.name());
    assertEquals("0.7503", d4(t.layers().get(0).a()[0][0]));
    assertEquals("-0.1872", d4(w.grad()));
    assertEquals("0.5187", d4(w.next()));
    assertEquals("0.5000", d4(w.old()));
    assertEquals("0.1000", d4(b.old()));
  }

  @Test
  void carriesTheExactNumbersToSixDecimalsInTheJson() throws Exception {
    JsonNode json = JsonMapping.create().readTree(JsonMapping.create().writeValueAsString(traceOfPreset()));
    JsonNode layer = json.get("layers").get(0), w = json.get("params").get(0), b = json.get("params").get(1);
    assertEquals("1.100000", d6(layer.get("z").get(0).get(0).asDouble()));
    assertEquals("0.750260", d6(layer.get("a").get(0).get(0).asDouble()));
    assertEquals("0.062370", d6(json.get("loss").get("value").asDouble()));
    assertEquals("-0.499480", d6(layer.get("dLda").get(0).get(0).asDouble()));
    assertEquals("0.187370", d6(layer.get("dadz").get(0).get(0).asDouble()));
    assertEquals("-0.093587", d6(layer.get("dLdz").get(0).get(0).asDouble()));
    assertEquals("-0.187175", d6(w.get("grad").asDouble()));
    assertEquals("0.518717", d6(w.get("next").asDouble()));
    assertEquals("-0.093587", d6(b.get("grad").asDouble()));
    assertEquals("0.109359", d6(b.get("next").asDouble()));
  }

  @Test
  void chainRuleFactorsMultiplyToTheEnginesGradient() throws Exception {
    StepTrace.ParamTrace w = traceOfPreset().params().get(0);
    StepTrace.ChainTerm term = w.terms().get(0);
    assertEquals(2.0, term.dzdw());
    assertEquals(w.grad(), term.dLda() * term.dadz() * term.dzdw(), 1e-7);
    assertEquals(w.grad(), term.product(), 1e-7);
  }

  @Test
  void explainsTheArticlesRoundedNumbers() throws Exception {
    ArticleRounding a = traceOfPreset().article();
    assertNotNull(a, "the single-neuron preset carries the article's rounded variant");
    assertEquals(0.75, a.yHat());
    assertEquals(-0.5, a.dLdyHat());
    assertEquals(0.1875, a.dyHatdz());
    assertEquals(-0.1875, a.dLdw());
    assertEquals("0.51875", String.format(Locale.ROOT, "%.5f", a.newW()));
  }

  @Test
  void aSecondStepStartsFromTheFirstStepsWeights() throws Exception {
    TrainingRun run = new TrainingRun(SetupParser.parse(new ObjectMapper().readTree(PRESET)));
    StepTrace first = TraceRecorder.record(run, -1), second = TraceRecorder.record(run, -1);
    assertEquals(first.params().get(0).next(), second.params().get(0).old());
    assertEquals(2, second.step());
    assertTrue(second.loss().value() < first.loss().value(), "one step downhill lowers the loss on the example");
  }
}
