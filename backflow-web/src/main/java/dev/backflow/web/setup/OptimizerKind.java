package dev.backflow.web.setup;

/**
 * The optimizers the page offers, with the update rule it shows for each; {@code id} is the name the engine's
 * registry ({@link dev.backflow.optim.Optimizers}) builds it by.
 */
public enum OptimizerKind {
  SGD("sgd", "w ← w − η·∂L/∂w"),
  MOMENTUM("momentum", "v ← 0.9·v + ∂L/∂w;  w ← w − η·v"),
  ADAM("adam", "m, v ← running means of g and g²;  w ← w − η·m̂ / (√v̂ + ε)");

  public final String id;
  public final String rule;

  OptimizerKind(String id, String rule) {
    this.id = id;
    this.rule = rule;
  }

  public static OptimizerKind byId(String id) {
    for (OptimizerKind k : values()) if (k.id.equals(id)) return k;
    throw new BadRequest("unknown optimizer '" + id + "'; choose sgd, momentum or adam");
  }
}
