package dev.backflow.web.health;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backflow.diagnostics.Demonstrations;
import dev.backflow.web.setup.BadRequest;
import dev.backflow.web.setup.JsonFields;
import java.util.Set;

/**
 * Which of the doctor's demonstrations the gradient health view runs, and from which seed; checked like every
 * other request.
 */
public record HealthRequest(String problem, int seed) {
  public static final int MAX_SEED = 9999;
  private static final Set<String> KEYS = Set.of("problem", "seed");

  public static HealthRequest defaults() {
    return new HealthRequest(Demonstrations.NAMES.get(0), 0);
  }

  public static HealthRequest parse(JsonNode json) {
    HealthRequest d = defaults();
    if (json == null || json.isNull()) return d;
    if (!json.isObject()) throw new BadRequest("the experiment settings must be a JSON object");
    json.fieldNames().forEachRemaining(k -> {
      if (!KEYS.contains(k)) throw new BadRequest("unknown setting '" + k + "'; the settings are problem and seed");
    });
    String problem = d.problem();
    JsonNode p = json.get("problem");
    if (p != null && !p.isNull()) {
      if (!p.isTextual() || !Demonstrations.NAMES.contains(p.asText())) {
        throw new BadRequest("problem must be one of " + String.join(", ", Demonstrations.NAMES) + ", got " + p);
      }
      problem = p.asText();
    }
    int seed = JsonFields.integer(json, "seed", d.seed(), "seed", 0, MAX_SEED);
    return new HealthRequest(problem, seed);
  }
}
