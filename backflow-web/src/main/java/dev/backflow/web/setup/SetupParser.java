package dev.backflow.web.setup;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads a set-up from JSON whose values may be numbers or the strings of a URL query (the page sends
 * its query parameters as they are, so a hand-edited link is checked here, not in the browser).
 * Missing fields take the defaults; anything unknown, malformed or out of range is a {@link BadRequest}
 * that names the setting and what is allowed.
 */
public final class SetupParser {
  static final Set<String> KEYS = Set.of("dataset", "noise", "points", "train", "seed", "layers", "act", "opt",
      "lr", "batch", "reg", "regRate", "init", "loss", "features", "csv");

  private SetupParser() {}

  /** The page's first set-up: circles, two hidden tanh layers of 4, SGD. */
  public static Setup defaults() {
    return new Setup(Dataset.CIRCLES, 0.05, 400, 70, 1, List.of(4, 4), List.of(ActivationKind.TANH, ActivationKind.TANH),
        OptimizerKind.SGD, 0.1, 10, Regularization.NONE, 0.001, InitKind.XAVIER, LossKind.CROSS_ENTROPY,
        Feature.COORDINATES, null);
  }

  public static Setup parse(JsonNode json) {
    if (json == null || json.isNull()) return defaults();
    if (!json.isObject()) throw new BadRequest("the set-up must be a JSON object of settings, got " + json.getNodeType());
    for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KEYS.contains(key)) {
        throw new BadRequest("unknown setting '" + key + "'; the settings are " + String.join(", ", KEYS.stream().sorted().toList()));
      }
    }
    Setup d = defaults();
    Dataset dataset = json.has("dataset") ? Dataset.byId(text(json, "dataset")) : d.dataset();
    double noise = JsonFields.decimal(json, "noise", d.noise(), "noise", 0, Limits.MAX_NOISE);
    int points = JsonFields.integer(json, "points", d.points(), "number of points", Limits.MIN_POINTS, Limits.MAX_POINTS);
    int train = JsonFields.integer(json, "train", d.trainPercent(), "training share (percent)", Limits.MIN_TRAIN_PERCENT,
        Limits.MAX_TRAIN_PERCENT);
    long seed = JsonFields.integer(json, "seed", (int) d.seed(), "seed", 0, (int) Limits.MAX_SEED);
    List<Integer> hidden = json.has("layers") ? layers(json.get("layers")) : d.hidden();
    List<ActivationKind> acts = json.has("act") ? activations(json.get("act"), hidden.size())
        : fill(d.activations().get(0), hidden.size());
    OptimizerKind opt = json.has("opt") ? OptimizerKind.byId(text(json, "opt")) : d.optimizer();
    double lr = JsonFields.decimal(json, "lr", d.learningRate(), "learning rate", Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
    if (!(lr > 0 && lr <= Limits.MAX_LEARNING_RATE)) {
      throw new BadRequest("learning rate must be more than 0 and at most " + JsonFields.plain(Limits.MAX_LEARNING_RATE) + ", got "
          + JsonFields.plain(lr) + (lr <= 0 ? " (a rate of 0 or less never moves a weight downhill)" : ""));
    }
    int batch = JsonFields.integer(json, "batch", d.batchSize(), "batch size", 1, Limits.MAX_BATCH);
    Regularization reg = json.has("reg") ? Regularization.byId(text(json, "reg")) : d.regularization();
    double regRate = JsonFields.decimal(json, "regRate", d.regularizationRate(), "regularization rate", 0,
        Limits.MAX_REGULARIZATION_RATE);
    InitKind init = json.has("init") ? InitKind.byId(text(json, "init")) : d.init();
    LossKind loss = json.has("loss") ? LossKind.byId(text(json, "loss"))
        : dataset.classification ? d.loss() : LossKind.SQUARED;

    if (!dataset.classification && loss == LossKind.CROSS_ENTROPY) {
      throw new BadRequest("cross-entropy needs class labels, and the regression set has none; use squared or half_squared");
    }
    if (dataset == Dataset.NEURON && !hidden.isEmpty()) {
      throw new BadRequest("the worked single-neuron example has no hidden layers; set layers to nothing (layers=)");
    }
    List<Feature> features = json.has("features") ? Feature.parseList(items(json.get("features"))) : Feature.COORDINATES;
    if (dataset.inputs() == 1 && !features.equals(Feature.COORDINATES)) {
      throw new BadRequest("input features apply to the 2-D data sets; the worked neuron has the one input x");
    }
    String csv = null;
    if (dataset == Dataset.CSV) {
      JsonNode n = json.get("csv");
      if (n != null && !n.isTextual()) throw new BadRequest("csv must be text: rows x1,x2,label separated by ';'");
      csv = CsvPoints.format(CsvPoints.parse(n == null ? null : n.asText()));
    }
    return new Setup(dataset, noise, points, train, seed, hidden, acts, opt, lr, batch, reg, regRate, init, loss, features,
        csv);
  }

  private static List<Integer> layers(JsonNode node) {
    List<String> items = items(node);
    if (items.size() > Limits.MAX_HIDDEN_LAYERS) {
      throw new BadRequest(items.size() + " hidden layers asked for; the page allows 0 to " + Limits.MAX_HIDDEN_LAYERS);
    }
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String s = items.get(i);
      int n;
      try {
        n = Integer.parseInt(s.trim());
      } catch (NumberFormatException e) {
        throw new BadRequest("hidden layer " + (i + 1) + " size '" + s + "' is not a whole number");
      }
      if (n < 1 || n > Limits.MAX_NEURONS) {
        throw new BadRequest("hidden layer " + (i + 1) + " has " + n + " neurons; each hidden layer may have 1 to "
            + Limits.MAX_NEURONS);
      }
      out.add(n);
    }
    return out;
  }

  private static List<ActivationKind> activations(JsonNode node, int layers) {
    List<String> items = items(node);
    // One name applies to every layer, so "act=relu" is a valid short form.
    if (items.size() == 1 && layers > 1) return fill(ActivationKind.hidden(items.get(0).trim(), 1), layers);
    if (items.size() != layers) {
      throw new BadRequest(items.size() + " activations given for " + layers + " hidden layers; give one per layer"
          + " (or one for all)");
    }
    List<ActivationKind> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) out.add(ActivationKind.hidden(items.get(i).trim(), i + 1));
    return out;
  }

  private static List<ActivationKind> fill(ActivationKind k, int n) {
    List<ActivationKind> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(k);
    return out;
  }

  /** A list given as a JSON array or as the comma-separated text of a URL ("4,4"; "" is empty). */
  private static List<String> items(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isArray()) {
      if (node.size() > 64) throw new BadRequest("a list of " + node.size() + " items is far too long");
      for (JsonNode n : node) {
        if (!n.isValueNode()) throw new BadRequest("lists hold plain values, got " + n.getNodeType());
        out.add(n.asText());
      }
      return out;
    }
    if (!node.isValueNode()) throw new BadRequest("expected a list such as \"4,4\", got " + node.getNodeType());
    String s = node.asText().trim();
    if (s.isEmpty()) return out;
    if (s.length() > 200) throw new BadRequest("a list of " + s.length() + " characters is far too long");
    for (String part : s.split(",", -1)) out.add(part);
    return out;
  }

  private static String text(JsonNode json, String key) {
    JsonNode n = json.get(key);
    if (!n.isValueNode() || n.isNull()) throw new BadRequest(key + " must be a name, got " + n.getNodeType());
    return n.asText().trim().toLowerCase(java.util.Locale.ROOT);
  }


}
