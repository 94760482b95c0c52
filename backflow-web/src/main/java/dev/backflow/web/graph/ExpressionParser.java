package dev.backflow.web.graph;

import dev.backflow.web.setup.BadRequest;

/**
 * A recursive-descent parser for the graph view's expressions, one method per precedence level:
 * <pre>
 *   expr    := term (('+' | '-') term)*
 *   term    := unary (('*' | '/') unary)*
 *   unary   := '-' unary | power
 *   power   := primary ('^' ['-'] number)?
 *   primary := number | name | function '(' expr ')' | '(' expr ')'
 * </pre>
 * Errors say where, with the expression and a caret under the spot.
 */
public final class ExpressionParser {
  public static final int MAX_LENGTH = 400;
  public static final int MAX_DEPTH = 40;

  private final String src;
  private int pos;
  private int depth;

  private ExpressionParser(String src) {
    this.src = src;
  }

  public static Expr parse(String text) {
    if (text == null || text.isBlank()) throw new BadRequest("type an expression, for example sigmoid(w*x + b)");
    if (text.length() > MAX_LENGTH) {
      throw new BadRequest("the expression has " + text.length() + " characters; the graph view takes at most " + MAX_LENGTH);
    }
    ExpressionParser p = new ExpressionParser(text);
    Expr e = p.expr();
    p.skipSpace();
    if (p.pos < text.length()) throw p.error("unexpected '" + text.charAt(p.pos) + "'");
    return e;
  }

  private Expr expr() {
    enter();
    Expr left = term();
    while (true) {
      skipSpace();
      char c = peek();
      if (c != '+' && c != '-') break;
      int at = pos++;
      left = new Expr.Binary(c, left, term(), at);
    }
    depth--;
    return left;
  }

  private Expr term() {
    Expr left = unary();
    while (true) {
      skipSpace();
      char c = peek();
      if (c != '*' && c != '/') break;
      int at = pos++;
      left = new Expr.Binary(c, left, unary(), at);
    }
    return left;
  }

  private Expr unary() {
    skipSpace();
    if (peek() == '-') {
      int at = pos++;
      enter();
      Expr operand = unary();
      depth--;
      return new Expr.Neg(operand, at);
    }
    return power();
  }

  private Expr power() {
    Expr base = primary();
    skipSpace();
    if (peek() != '^') return base;
    int at = pos++;
    skipSpace();
    boolean negative = peek() == '-';
    if (negative) pos++;
    skipSpace();
    if (!Character.isDigit(peek()) && peek() != '.') throw error("the exponent after '^' must be a number, such as x^2");
    Expr.Num n = number();
    return new Expr.Power(base, negative ? -n.value() : n.value(), at);
  }

  private Expr primary() {
    skipSpace();
    char c = peek();
    if (Character.isDigit(c) || c == '.') return number();
    if (Character.isLetter(c) || c == '_') {
      int at = pos;
      while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) pos++;
      String name = src.substring(at, pos);
      skipSpace();
      if (peek() == '(') {
        if (!Expr.FUNCTIONS.contains(name)) {
          throw error(at, "unknown function '" + name + "'; the functions are " + String.join(", ", Expr.FUNCTIONS));
        }
        int open = pos++;
        Expr arg = expr();
        expect(')', "to close the '(' at position " + (open + 1));
        return new Expr.Call(name, arg, at);
      }
      if (Expr.FUNCTIONS.contains(name)) throw error(at, name + " is a function: write " + name + "(...)");
      return new Expr.Var(name, at);
    }
    if (c == '(') {
      int open = pos++;
      Expr inner = expr();
      expect(')', "to close the '(' at position " + (open + 1));
      return inner;
    }
    if (c == 0) throw error("the expression ends too soon: a number, a name or '(' should come next");
    throw error("unexpected '" + c + "': a number, a name or '(' should come here");
  }

  private Expr.Num number() {
    int at = pos;
    while (pos < src.length() && (Character.isDigit(src.charAt(pos)) || src.charAt(pos) == '.')) pos++;
    if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
      int save = pos++;
      if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) pos++;
      if (pos < src.length() && Character.isDigit(src.charAt(pos))) {
        while (pos < src.length() && Character.isDigit(src.charAt(pos))) pos++;
      } else {
        pos = save; // "2e" is 2 followed by a name, which the caller will reject
      }
    }
    String text = src.substring(at, pos);
    try {
      return new Expr.Num(Double.parseDouble(text), text, at);
    } catch (NumberFormatException e) {
      throw error(at, "'" + text + "' is not a number");
    }
  }

  private void expect(char c, String why) {
    skipSpace();
    if (peek() != c) throw error("expected '" + c + "' " + why);
    pos++;
  }

  private void enter() {
    if (++depth > MAX_DEPTH) throw error("the expression nests more than " + MAX_DEPTH + " levels deep");
  }

  private void skipSpace() {
    while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) pos++;
  }

  private char peek() {
    return pos < src.length() ? src.charAt(pos) : 0;
  }

  private BadRequest error(String message) {
    return error(pos, message);
  }

  private BadRequest error(int at, String message) {
    return new BadRequest("at position " + (at + 1) + ": " + message + "\n  " + src + "\n  " + " ".repeat(at) + "^");
  }
}
