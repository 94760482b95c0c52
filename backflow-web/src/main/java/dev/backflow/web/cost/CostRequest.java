package dev.backflow.web.cost;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backflow.examples.GradientCost;
import dev.backflow.web.setup.BadRequest;
import dev.backflow.web.setup.JsonFields;
import java.util.List;

/** The network size the learner picked for the cost panel: one of {@link GradientCost#ladder()}'s, by parameter count. */
public record CostRequest(GradientCost.Shape shape) {

  public static CostRequest parse(JsonNode json) {
    if (json == null || json.isNull() || !json.isObject()) throw new BadRequest("the request must be a JSON object such as {\"parameters\": 2442}");
    json.fieldNames().forEachRemaining(k -> {
      if (!k.equals("parameters")) throw new BadRequest("unknown setting '" + k + "'; the only setting is parameters");
    });
    List<GradientCost.Shape> ladder = GradientCost.ladder();
    int smallest = (int) ladder.get(0).parameters(), largest = (int) ladder.get(ladder.size() - 1).parameters();
    int n = JsonFields.integer(json, "parameters", smallest, "parameters", smallest, largest);
    for (GradientCost.Shape s : ladder) if (s.parameters() == n) return new CostRequest(s);
    throw new BadRequest("parameters must be one of the networks' sizes: "
        + String.join(", ", ladder.stream().map(s -> String.valueOf(s.parameters())).toList()) + "; got " + n);
  }
}
