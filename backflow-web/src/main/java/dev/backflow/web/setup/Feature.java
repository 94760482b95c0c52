package dev.backflow.web.setup;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An input feature computed from a point (x1, x2), as TensorFlow Playground offers them: the coordinates,
 * their squares, their product and their sines. A network given x1² and x2² separates the circles with no
 * hidden layer at all; that is the point of the choice.
 */
public enum Feature {
  X1("x1", "x1"),
  X2("x2", "x2"),
  X1_SQUARED("x1sq", "x1²"),
  X2_SQUARED("x2sq", "x2²"),
  X1_TIMES_X2("x1x2", "x1·x2"),
  SIN_X1("sin1", "sin(x1)"),
  SIN_X2("sin2", "sin(x2)");

  public static final List<Feature> COORDINATES = List.of(X1, X2);

  public final String id;
  public final String label;

  Feature(String id, String label) {
    this.id = id;
    this.label = label;
  }

  public float of(float x1, float x2) {
    switch (this) {
      case X1: return x1;
      case X2: return x2;
      case X1_SQUARED: return x1 * x1;
      case X2_SQUARED: return x2 * x2;
      case X1_TIMES_X2: return x1 * x2;
      case SIN_X1: return (float) Math.sin(x1);
      default: return (float) Math.sin(x2);
    }
  }

  /** A comma-separated list of ids ("x1,x2,x1sq"), each at most once, at least one. */
  public static List<Feature> parseList(List<String> ids) {
    if (ids.isEmpty()) throw new BadRequest("choose at least one input feature (" + ids() + ")");
    List<Feature> out = new ArrayList<>();
    for (String raw : ids) {
      String id = raw.trim().toLowerCase(java.util.Locale.ROOT);
      Feature f = Arrays.stream(values()).filter(v -> v.id.equals(id)).findFirst()
          .orElseThrow(() -> new BadRequest("unknown input feature '" + raw.trim() + "'; choose from " + ids()));
      if (out.contains(f)) throw new BadRequest("input feature " + f.id + " is listed twice");
      out.add(f);
    }
    // A stable order, so a link names one network however its features were ticked.
    out.sort(null);
    return List.copyOf(out);
  }

  static String ids() {
    return Arrays.stream(values()).map(f -> f.id).collect(Collectors.joining(", "));
  }
}
