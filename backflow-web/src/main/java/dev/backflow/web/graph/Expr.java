package dev.backflow.web.graph;

import java.util.List;

/** The syntax tree of a typed expression. {@code at} is the character position it starts at, for messages. */
public sealed interface Expr {
  int at();

  record Num(double value, String text, int at) implements Expr {}

  record Var(String name, int at) implements Expr {}

  /** Unary minus. */
  record Neg(Expr operand, int at) implements Expr {}

  /** a + b, a − b, a · b, a / b. */
  record Binary(char op, Expr left, Expr right, int at) implements Expr {}

  /** a ^ n with a constant exponent n. */
  record Power(Expr base, double exponent, int at) implements Expr {}

  /** sigmoid, tanh, relu, leaky_relu (slope 0.01), exp or log of one argument. */
  record Call(String function, Expr argument, int at) implements Expr {}

  List<String> FUNCTIONS = List.of("sigmoid", "tanh", "relu", "leaky_relu", "exp", "log");
}
