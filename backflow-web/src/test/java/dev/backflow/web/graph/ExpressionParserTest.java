package dev.backflow.web.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backflow.web.setup.BadRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpressionParserTest {
  static double value(String expr) {
    return ExpressionGraph.evaluate(expr, Map.of("x", 3.0, "y", -2.0)).value();
  }

  @Test
  void multiplicationBindsTighterThanAddition() {
    assertEquals(14, value("2 + 3 * 4"));
    assertEquals(20, value("(2 + 3) * 4"));
    assertEquals(-1, value("2 - 3"));
    assertEquals(2.5, value("10 / 4"));
  }

  @Test
  void subtractionAndDivisionAssociateToTheLeft() {
    assertEquals(-4, value("1 - 2 - 3"));
    assertEquals(1, value("8 / 4 / 2"));
  }

  @Test
  void unaryMinusAndPowers() {
    assertEquals(-3, value("-x"));
    assertEquals(3, value("--x"));
    assertEquals(-9, value("-x^2"), "the power binds tighter than the minus, as in mathematics");
    assertEquals(0.25, value("2^-2"));
    assertEquals(1.5e-3, value("1.5e-3"), 1e-9);
  }

  @Test
  void functionsOfSubexpressions() {
    assertEquals(1 / (1 + Math.exp(-1.1)), ExpressionGraph.evaluate("sigmoid(w*x + b)", Map.of("w", 0.5, "x", 2.0, "b", 0.1)).value(), 1e-6);
    assertEquals(Math.tanh(1), value("tanh(x - 2)"), 1e-6);
    assertEquals(0, value("relu(y)"));
    assertEquals(Math.log(3), value("log(x)"), 1e-6);
    assertEquals(Math.exp(-2), value("exp(y)"), 1e-6);
    assertEquals(-0.02, value("leaky_relu(y)"), 1e-7);
  }

  @Test
  void theTreeRecordsWhereEachPartStarts() {
    Expr e = ExpressionParser.parse("a + sigmoid(b)");
    Expr.Binary plus = assertInstanceOf(Expr.Binary.class, e);
    assertEquals(2, plus.at());
    Expr.Call call = assertInstanceOf(Expr.Call.class, plus.right());
    assertEquals("sigmoid", call.function());
    assertEquals(4, call.at());
  }

  @Test
  void errorsSayWhereAndWhat() {
    assertEquals("at position 16: expected ')' to close the '(' at position 8\n  sigmoid(w*x + b\n                 ^",
        message("sigmoid(w*x + b"));
    assertTrue(message("2 + * 3").startsWith("at position 5: unexpected '*'"), message("2 + * 3"));
    assertTrue(message("softmax(x)").startsWith("at position 1: unknown function 'softmax'"));
    assertTrue(message("x +").contains("ends too soon"));
    assertTrue(message("sigmoid + 1").contains("sigmoid is a function"));
    assertTrue(message("x ^ y").contains("exponent after '^' must be a number"));
    assertTrue(message("2 x").startsWith("at position 3: unexpected 'x'"));
    assertEquals("type an expression, for example sigmoid(w*x + b)", message("  "));
  }

  @Test
  void refusesExpressionsTooDeepOrTooLong() {
    assertTrue(message("(".repeat(60) + "1" + ")".repeat(60)).contains("nests more than 40 levels"));
    assertTrue(message("1+".repeat(250) + "1").contains("at most 400"));
  }

  static String message(String expr) {
    return assertThrows(BadRequest.class, () -> ExpressionParser.parse(expr)).getMessage();
  }
}
