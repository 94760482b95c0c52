package dev.backflow.web.setup;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The data sets of the playground, by the name the URL uses. */
public enum Dataset {
  /** The 4-row truth table of XOR: the classic backprop example. */
  XOR4("xor4", true),
  /** Points in the four quadrants, labelled by the sign of x·y (TensorFlow Playground's "XOR"). */
  XOR("xor", true),
  CIRCLES("circles", true),
  SPIRALS("spirals", true),
  BLOBS("blobs", true),
  MOONS("moons", true),
  /** A 2-D regression surface: a raised bump and a sunken one. */
  REGRESSION("regression", false),
  /** The worked example: one input x = 2, target 1, for one sigmoid neuron. */
  NEURON("neuron", true),
  /** A learner's own points, uploaded as CSV and kept in the link (see {@link CsvPoints}). */
  CSV("csv", true);

  public final String id;
  public final boolean classification;

  Dataset(String id, boolean classification) {
    this.id = id;
    this.classification = classification;
  }

  /** True where the data are generated points (so noise, size and the train/test split apply). */
  public boolean isGenerated() {
    return this != XOR4 && this != NEURON && this != CSV;
  }

  public int inputs() {
    return this == NEURON ? 1 : 2;
  }

  public static Dataset byId(String id) {
    for (Dataset d : values()) if (d.id.equals(id)) return d;
    throw new BadRequest("unknown dataset '" + id + "'; choose one of " + ids());
  }

  static String ids() {
    return Arrays.stream(values()).map(d -> d.id).collect(Collectors.joining(", "));
  }
}
