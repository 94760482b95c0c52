package dev.backflow.web.setup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A set-up comes from a URL the user may have edited: every field is checked on the server with a message in the user's terms. */
class SetupParserTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static Setup parse(String json) throws Exception {
    return SetupParser.parse(JSON.readTree(json));
  }

  static String error(String json) {
    return assertThrows(BadRequest.class, () -> parse(json)).getMessage();
  }

  @Test
  void readsTheStringsOfAUrlQuery() throws Exception {
    Setup s = parse("{\"dataset\":\"spirals\",\"noise\":\"0.1\",\"layers\":\"8,4\",\"act\":\"relu,tanh\",\"opt\":\"adam\","
        + "\"lr\":\"0.003\",\"batch\":\"25\",\"reg\":\"l1\",\"regRate\":\"0.01\",\"init\":\"he\",\"seed\":\"42\"}");
    assertEquals(Dataset.SPIRALS, s.dataset());
    assertEquals(List.of(8, 4), s.hidden());
    assertEquals(List.of(ActivationKind.RELU, ActivationKind.TANH), s.activations());
    assertEquals(OptimizerKind.ADAM, s.optimizer());
    assertEquals(0.003, s.learningRate());
    assertEquals(42, s.seed());
    org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {2, 8, 4, 1}, s.layerSizes());
  }

  @Test
  void theQueryItWritesReadsBackToTheSameSetup() throws Exception {
    Setup s = parse("{\"dataset\":\"moons\",\"noise\":0.25,\"layers\":[3,5],\"act\":\"leaky_relu\",\"lr\":0.03}");
    ObjectNode query = JSON.valueToTree(s.toQuery());
    assertEquals(s, SetupParser.parse(query));
    assertEquals("0.03", s.toQuery().get("lr"));
    assertEquals("3,5", s.toQuery().get("layers"));
    assertEquals("leaky_relu,leaky_relu", s.toQuery().get("act"));
  }

  @Test
  void refusesAHugeLayer() {
    assertEquals("hidden layer 1 has 10000 neurons; each hidden layer may have 1 to 16", error("{\"layers\":\"10000\"}"));
  }

  @Test
  void refusesANegativeLearningRate() {
    assertEquals("learning rate must be more than 0 and at most 10, got -0.5 (a rate of 0 or less never moves a weight downhill)",
        error("{\"lr\":\"-0.5\"}"));
    assertEquals("learning rate 'fast' is not a number", error("{\"lr\":\"fast\"}"));
    assertEquals("learning rate must be a finite number, got NaN", error("{\"lr\":\"NaN\"}"));
  }

  @Test
  void refusesWhatItDoesNotKnow() {
    assertEquals("unknown dataset 'mnist'; choose one of xor4, xor, circles, spirals, blobs, moons, regression, neuron, csv",
        error("{\"dataset\":\"mnist\"}"));
    assertEquals("layer 2 has activation 'softmax'; choose sigmoid, tanh, relu or leaky_relu",
        error("{\"layers\":\"4,4\",\"act\":\"tanh,softmax\"}"));
    assertEquals("unknown setting 'learningRate'; the settings are act, batch, csv, dataset, features, init, layers, loss, lr, noise, opt, points, "
        + "reg, regRate, seed, train", error("{\"learningRate\":1}"));
  }

  @Test
  void refusesOutOfRangeAndMalformedNumbers() {
    assertEquals("9 hidden layers asked for; the page allows 0 to 8", error("{\"layers\":\"1,1,1,1,1,1,1,1,1\"}"));
    assertEquals("hidden layer 2 size 'x' is not a whole number", error("{\"layers\":\"4,x\"}"));
    assertEquals("batch size must be a whole number, got 2.5", error("{\"batch\":2.5}"));
    assertEquals("number of points must be between 10 and 1000, got 5000", error("{\"points\":5000}"));
    assertEquals("noise must be between 0 and 0.5, got 3", error("{\"noise\":3}"));
    assertEquals("2 activations given for 3 hidden layers; give one per layer (or one for all)",
        error("{\"layers\":\"2,2,2\",\"act\":\"tanh,relu\"}"));
  }

  @Test
  void refusesCombinationsThatMakeNoSense() {
    assertEquals("cross-entropy needs class labels, and the regression set has none; use squared or half_squared",
        error("{\"dataset\":\"regression\",\"loss\":\"cross_entropy\"}"));
    assertEquals("the worked single-neuron example has no hidden layers; set layers to nothing (layers=)",
        error("{\"dataset\":\"neuron\",\"layers\":\"2\"}"));
  }

  @Test
  void refusesSomethingThatIsNotAnObject() {
    assertEquals("the set-up must be a JSON object of settings, got ARRAY", error("[1,2]"));
  }
}
