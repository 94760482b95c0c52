package dev.backflow.web.graph;

import dev.backflow.tensor.Tensor;
import dev.backflow.web.setup.BadRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Builds an expression out of engine tensors (one scalar leaf per variable, reused wherever the name
 * appears), runs backward from the result and reads every node's value and gradient, which is what the
 * graph view draws. Each op's local derivatives also come from the engine: the op is rebuilt on fresh
 * leaves and backpropagated with a seed of 1.
 */
public final class ExpressionGraph {
  public static final int MAX_NODES = 200;

  private final Map<String, Double> values;
  private final Map<String, Integer> variableIds = new LinkedHashMap<>();
  private final List<Tensor> tensors = new ArrayList<>();
  private final List<String> kinds = new ArrayList<>(), labels = new ArrayList<>();
  private final List<List<Integer>> inputs = new ArrayList<>();
  private final List<List<Double>> locals = new ArrayList<>();

  private ExpressionGraph(Map<String, Double> values) {
    this.values = values;
  }

  public static GraphResult evaluate(String expression, Map<String, Double> values) {
    Expr e = ExpressionParser.parse(expression);
    ExpressionGraph g = new ExpressionGraph(values);
    int out = g.build(e);
    Tensor root = g.tensors.get(out);
    if (root.requiresGrad()) root.backward();
    List<GraphNode> nodes = new ArrayList<>();
    for (int i = 0; i < g.tensors.size(); i++) {
      Tensor t = g.tensors.get(i);
      Double grad = i == out && t.requiresGrad() ? Double.valueOf(1.0)
          : t.grad() != null ? Double.valueOf(t.grad().item()) : t.requiresGrad() ? Double.valueOf(0.0) : null;
      nodes.add(new GraphNode(i, g.kinds.get(i), g.labels.get(i), t.item(), grad, g.inputs.get(i), g.locals.get(i)));
    }
    return new GraphResult(expression.trim(), out, root.item(), nodes);
  }

  private int build(Expr e) {
    if (e instanceof Expr.Num n) return add("constant", n.text(), Tensor.scalar((float) n.value()), List.of(), List.of());
    if (e instanceof Expr.Var v) return variable(v);
    if (e instanceof Expr.Neg n) {
      int a = build(n.operand());
      return op("−", List.of(a), x -> x.get(0).neg());
    }
    if (e instanceof Expr.Binary b) {
      int l = build(b.left()), r = build(b.right());
      switch (b.op()) {
        case '+': return op("+", List.of(l, r), x -> x.get(0).add(x.get(1)));
        case '-': return op("−", List.of(l, r), x -> x.get(0).sub(x.get(1)));
        case '*': return op("×", List.of(l, r), x -> x.get(0).mul(x.get(1)));
        default: return op("÷", List.of(l, r), x -> x.get(0).div(x.get(1)));
      }
    }
    if (e instanceof Expr.Power p) {
      int a = build(p.base());
      float n = (float) p.exponent();
      return op("^" + trim(p.exponent()), List.of(a), x -> x.get(0).pow(n));
    }
    Expr.Call c = (Expr.Call) e;
    int a = build(c.argument());
    switch (c.function()) {
      case "sigmoid": return op("sigmoid", List.of(a), x -> x.get(0).sigmoid());
      case "tanh": return op("tanh", List.of(a), x -> x.get(0).tanh());
      case "relu": return op("relu", List.of(a), x -> x.get(0).relu());
      case "leaky_relu": return op("leaky_relu", List.of(a), x -> x.get(0).leakyRelu(0.01f));
      case "exp": return op("exp", List.of(a), x -> x.get(0).exp());
      default: return op("log", List.of(a), x -> x.get(0).log());
    }
  }

  private int variable(Expr.Var v) {
    Integer id = variableIds.get(v.name());
    if (id != null) return id;
    Double value = values.get(v.name());
    if (value == null) {
      throw new BadRequest("'" + v.name() + "' has no value; give one in the values, e.g. " + v.name() + "=1");
    }
    id = add("input", v.name(), Tensor.scalar(value.floatValue()).requiresGrad(true), List.of(), List.of());
    variableIds.put(v.name(), id);
    return id;
  }

  /** Records an op node: its value through the graph, and its local derivatives on fresh leaves. */
  private int op(String label, List<Integer> args, Function<List<Tensor>, Tensor> f) {
    List<Tensor> in = new ArrayList<>();
    for (int a : args) in.add(tensors.get(a));
    Tensor out = f.apply(in);
    if (out.requiresGrad()) out.retainGrad();
    List<Tensor> leaves = new ArrayList<>();
    for (Tensor t : in) leaves.add(Tensor.scalar(t.item()).requiresGrad(true));
    f.apply(leaves).backward();
    List<Double> local = new ArrayList<>();
    for (Tensor l : leaves) local.add(l.grad() == null ? 0.0 : l.grad().item());
    return add("op", label, out, args, local);
  }

  private int add(String kind, String label, Tensor t, List<Integer> args, List<Double> local) {
    if (tensors.size() >= MAX_NODES) {
      throw new BadRequest("the expression makes more than " + MAX_NODES + " nodes; the graph view draws at most that many");
    }
    tensors.add(t);
    kinds.add(kind);
    labels.add(label);
    inputs.add(args);
    locals.add(local);
    return tensors.size() - 1;
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }

  /** Values typed as "w=0.5, x=2, b=0.1" (commas, semicolons or new lines between them). */
  public static Map<String, Double> parseValues(String text) {
    Map<String, Double> out = new LinkedHashMap<>();
    if (text == null || text.isBlank()) return out;
    if (text.length() > 2000) throw new BadRequest("the values are " + text.length() + " characters long; keep them under 2000");
    for (String part : text.split("[,;\\n]")) {
      if (part.isBlank()) continue;
      int eq = part.indexOf('=');
      if (eq < 0) throw new BadRequest("'" + part.trim() + "' should look like name=number, e.g. w=0.5");
      String name = part.substring(0, eq).trim(), number = part.substring(eq + 1).trim();
      if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) throw new BadRequest("'" + name + "' is not a variable name");
      out.put(name, number(name, number));
    }
    return out;
  }

  static double number(String name, String text) {
    try {
      double v = Double.parseDouble(text);
      if (!Double.isFinite(v)) throw new NumberFormatException();
      return v;
    } catch (NumberFormatException e) {
      throw new BadRequest("the value of " + name + ", '" + text + "', is not a finite number");
    }
  }
}
