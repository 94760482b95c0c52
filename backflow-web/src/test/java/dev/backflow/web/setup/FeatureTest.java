package dev.backflow.web.setup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backflow.web.engine.TrainingRun;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Input features: parsed and checked like every setting, kept in the link, and what the network reads. */
class FeatureTest {
  static Setup parse(String json) throws Exception {
    return SetupParser.parse(new ObjectMapper().readTree(json));
  }

  @Test
  void featuresRoundTripThroughTheLinkInAStableOrder() throws Exception {
    Setup s = parse("{\"features\":\"x2sq, x1sq,sin1\"}");
    assertEquals(List.of(Feature.X1_SQUARED, Feature.X2_SQUARED, Feature.SIN_X1), s.features());
    assertEquals("x1sq,x2sq,sin1", s.toQuery().get("features"));
    assertEquals(s, parse(new ObjectMapper().writeValueAsString(s.toQuery())));
    assertEquals(List.of("x1²", "x2²", "sin(x1)"), s.inputNames());
    assertEquals(3, s.layerSizes()[0]);
    assertEquals("x1,x2", parse("{}").toQuery().get("features"));
  }

  @Test
  void badFeatureListsAreRefusedByName() {
    assertTrue(assertThrows(BadRequest.class, () -> parse("{\"features\":\"x1,cos\"}")).getMessage()
        .startsWith("unknown input feature 'cos'; choose from x1, x2, x1sq, x2sq, x1x2, sin1, sin2"));
    assertTrue(assertThrows(BadRequest.class, () -> parse("{\"features\":\"\"}")).getMessage().startsWith("choose at least one"));
    assertTrue(assertThrows(BadRequest.class, () -> parse("{\"features\":\"x1,x1\"}")).getMessage().contains("twice"));
    assertTrue(assertThrows(BadRequest.class, () -> parse("{\"dataset\":\"neuron\",\"layers\":\"\",\"features\":\"x1sq\"}"))
        .getMessage().contains("2-D data sets"));
  }

  @Test
  void squaredFeaturesSeparateTheCirclesWithoutAHiddenLayer() throws Exception {
    TrainingRun run = new TrainingRun(parse("{\"dataset\":\"circles\",\"noise\":\"0\",\"layers\":\"\",\"features\":\"x1sq,x2sq\","
        + "\"lr\":\"1\",\"batch\":\"20\"}"));
    for (int i = 0; i < 600; i++) run.step();
    assertTrue(run.trainAccuracy() > 0.95, "a logistic regression on x1², x2² finds the circle: " + run.trainAccuracy());
    TrainingRun plain = new TrainingRun(parse("{\"dataset\":\"circles\",\"noise\":\"0\",\"layers\":\"\",\"lr\":\"1\",\"batch\":\"20\"}"));
    for (int i = 0; i < 600; i++) plain.step();
    assertTrue(plain.trainAccuracy() < 0.8, "on x1, x2 alone a line cannot: " + plain.trainAccuracy());
  }

  @Test
  void aCsvDataSetIsCheckedKeptInTheLinkAndTrained() throws Exception {
    Setup s = parse("{\"dataset\":\"csv\",\"layers\":\"3\",\"csv\":\" 0.10,0.2,1; -1,0.5,0;2,2,1;-2,-0.25,0;0,0,1 \"}");
    assertEquals("0.1,0.2,1;-1,0.5,0;2,2,1;-2,-0.25,0;0,0,1", s.toQuery().get("csv"));
    assertEquals(s, parse(new ObjectMapper().writeValueAsString(s.toQuery())));
    TrainingRun run = new TrainingRun(s);
    assertEquals(5, run.data().trainSize() + run.data().testSize());
    run.step();
    assertTrue(Double.isFinite(run.evaluate().trainLoss()));

    assertTrue(assertThrows(BadRequest.class, () -> parse("{\"dataset\":\"csv\"}")).getMessage().contains("load a CSV file"));
    assertEquals("CSV row 3: the label is 3; labels are 0 or 1",
        assertThrows(BadRequest.class, () -> parse("{\"dataset\":\"csv\",\"csv\":\"1,2,1;1,2,0;1,2,3;0,0,0\"}")).getMessage());
    assertEquals("CSV row 2: 'x' is not a number",
        assertThrows(BadRequest.class, () -> parse("{\"dataset\":\"csv\",\"csv\":\"1,2,1;1,x,0;1,2,1;0,0,0\"}")).getMessage());
    String tooMany = "0,0,1;".repeat(CsvPoints.MAX_ROWS + 1);
    assertTrue(assertThrows(BadRequest.class, () -> parse("{\"dataset\":\"csv\",\"csv\":\"" + tooMany + "\"}"))
        .getMessage().contains("rows"));
  }
}
