package dev.backflow.web.health;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backflow.web.setup.BadRequest;
import dev.backflow.web.setup.JsonFields;
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
    int depth = JsonFields.integer(json, "depth", d.depth(), "depth (hidden layers)", 2, MAX_DEPTH);
    int width = JsonFields.integer(json, "width", d.width(), "width (neurons per layer)", 2, MAX_WIDTH);
    int steps = JsonFields.integer(json, "steps", d.steps(), "number of steps", 10, MAX_STEPS);
    double lr = JsonFields.decimal(json, "lr", d.learningRate(), "learning rate", 0, 10);
    if (lr == 0) throw new BadRequest("learning rate must be more than 0");
    double clip = JsonFields.decimal(json, "clip", d.clipNorm(), "clipping norm", 0.01, 100);
    long seed = JsonFields.integer(json, "seed", (int) d.seed(), "seed", 0, Integer.MAX_VALUE);
    return new HealthRequest(depth, width, steps, lr, clip, seed);
  }
}
