package dev.backflow.web.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backflow.web.setup.BadRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The graph view's graphs: values and gradients from the engine's backward pass, micrograd style. */
class ExpressionGraphTest {
  static GraphNode node(GraphResult r, String label) {
    return r.nodes().stream().filter(n -> n.label().equals(label)).findFirst().orElseThrow();
  }

  @Test
  void theWorkedNeuronAsAGraph() {
    GraphResult r = ExpressionGraph.evaluate("sigmoid(w*x + b)", Map.of("w", 0.5, "x", 2.0, "b", 0.1));
    assertEquals(6, r.nodes().size());
    assertEquals(0.750260, r.value(), 1e-6);
    double slope = 0.750260 * (1 - 0.750260);
    assertEquals(slope * 2, node(r, "w").grad(), 1e-6);
    assertEquals(slope * 0.5, node(r, "x").grad(), 1e-6);
    assertEquals(slope, node(r, "b").grad(), 1e-6);
    GraphNode sigmoid = node(r, "sigmoid");
    assertEquals(r.output(), sigmoid.id());
    assertEquals(1.0, sigmoid.grad());
    assertEquals(slope, sigmoid.local().get(0), 1e-6, "the edge's local derivative is σ'(z)");
    assertEquals(List.of(2.0, 0.5), node(r, "×").local(), "∂(w·x)/∂w = x and ∂(w·x)/∂x = w");
  }

  @Test
  void aVariableUsedTwiceIsOneNodeWhoseGradientsAdd() {
    GraphResult r = ExpressionGraph.evaluate("x*x + x", Map.of("x", 3.0));
    assertEquals(1, r.nodes().stream().filter(n -> n.kind().equals("input")).count());
    assertEquals(2 * 3 + 1, node(r, "x").grad(), 1e-6);
  }

  @Test
  void inputsComeBeforeTheOpsThatUseThem() {
    GraphResult r = ExpressionGraph.evaluate("tanh(a*b - c/d) + 2", Map.of("a", 1.0, "b", 2.0, "c", 3.0, "d", 4.0));
    for (GraphNode n : r.nodes()) for (int i : n.inputs()) assertTrue(i < n.id());
    assertNull(node(r, "2").grad(), "constants carry no gradient");
  }

  @Test
  void outOfDomainValuesAreShownNotHidden() {
    GraphResult r = ExpressionGraph.evaluate("log(x)", Map.of("x", -1.0));
    assertTrue(Double.isNaN(r.value()));
  }

  @Test
  void aMissingValueNamesTheVariable() {
    BadRequest e = assertThrows(BadRequest.class, () -> ExpressionGraph.evaluate("w*x + b", Map.of("w", 1.0, "x", 2.0)));
    assertEquals("'b' has no value; give one in the values, e.g. b=1", e.getMessage());
  }

  @Test
  void valuesAreReadFromText() {
    assertEquals(Map.of("w", 0.5, "x", 2.0, "b", 0.1), ExpressionGraph.parseValues("w=0.5, x=2; b = 0.1"));
    assertEquals("'w' should look like name=number, e.g. w=0.5",
        assertThrows(BadRequest.class, () -> ExpressionGraph.parseValues("w")).getMessage());
    assertEquals("the value of w, 'abc', is not a finite number",
        assertThrows(BadRequest.class, () -> ExpressionGraph.parseValues("w=abc")).getMessage());
  }

  @Test
  void refusesGraphsTooBigToDraw() {
    String big = "1" + "+1".repeat(150);
    assertTrue(assertThrows(BadRequest.class, () -> ExpressionGraph.evaluate(big, Map.of("x", 1.0))).getMessage()
        .contains("more than 200 nodes"));
  }
}
