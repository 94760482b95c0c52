package dev.backflow.web.health;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backflow.web.setup.BadRequest;
import java.util.Set;

/** The knobs of the gradient health view, checked like every other request. */
public record HealthRequest(int depth, int width, int steps, double learningRate, double clipNorm, long seed) {
  public static final int MAX_DEPTH = 12, MAX_WIDTH = 16, MAX_STEPS = 400;
  private static final Set<String> KEYS = Set.of("depth", "width", "steps", "lr", "clip", "seed");

  public static HealthRequest defaults() {
    return new HealthRequest(8, 8, 150, 0.1, 1.0, 1);
  }

  public static HealthRequest parse(JsonNode json) {
    HealthRequest d = defaults();
    if (json == null || json.isNull()) return d;
    if (!json.isObject()) throw new BadRequest("the experiment settings must be a JSON object");
    json.fieldNames().forEachRemaining(k -> {
      if (!KEYS.contains(k)) throw new BadRequest("unknown setting '" + k + "'; the settings are " + String.join(", ", KEYS.stream().sorted().toList()));
    });
    int depth = (int) number(json, "depth", d.depth(), "depth (hidden layers)", 2, MAX_DEPTH, true);
    int width = (int) number(json, "width", d.width(), "width (neurons per layer)", 2, MAX_WIDTH, true);
    int steps = (int) number(json, "steps", d.steps(), "number of steps", 10, MAX_STEPS, true);
    double lr = number(json, "lr", d.learningRate(), "learning rate", 0, 10, false);
    if (lr == 0) throw new BadRequest("learning rate must be more than 0");
    double clip = number(json, "clip", d.clipNorm(), "clipping norm", 0.01, 100, false);
    long seed = (long) number(json, "seed", d.seed(), "seed", 0, Integer.MAX_VALUE, true);
    return new HealthRequest(depth, width, steps, lr, clip, seed);
  }

  private static double number(JsonNode json, String key, double fallback, String what, double min, double max,
                               boolean whole) {
    if (!json.has(key)) return fallback;
    JsonNode n = json.get(key);
    double v;
    if (n.isNumber()) {
      v = n.asDouble();
    } else if (n.isTextual()) {
      try {
        v = Double.parseDouble(n.asText().trim());
      } catch (NumberFormatException e) {
        throw new BadRequest(what + " '" + n.asText() + "' is not a number");
      }
    } else {
      throw new BadRequest(what + " must be a number");
    }
    if (!Double.isFinite(v) || v < min || v > max) {
      throw new BadRequest(what + " must be between " + fmt(min) + " and " + fmt(max) + ", got " + n.asText());
    }
    if (whole && v != Math.rint(v)) throw new BadRequest(what + " must be a whole number, got " + n.asText());
    return v;
  }

  private static String fmt(double v) {
    return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }
}
