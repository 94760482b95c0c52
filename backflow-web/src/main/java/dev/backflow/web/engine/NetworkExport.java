package dev.backflow.web.engine;

import dev.backflow.io.SafeTensors;
import dev.backflow.nn.Linear;
import dev.backflow.tensor.Tensor;
import dev.backflow.web.setup.BadRequest;
import dev.backflow.web.setup.Setup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The playground's trained network as a safetensors checkpoint in the layout of {@code backflow train --model
 * toy} (a {@code Sequential} of Linear and activation layers, so the names are "0.weight", "0.bias", "2.weight"
 * and so on, which PyTorch's {@code nn.Sequential} uses too). The playground ends in one sigmoid output; the
 * toy model ends in two class logits under softmax. Logits (0, z) give softmax = (1 − σ(z), σ(z)), so the
 * output layer is written as a zero row above the real one: the exported model predicts exactly what the page
 * shows.
 */
public final class NetworkExport {
  /** The 2-D datasets that {@code backflow eval} generates the same way (same generator, same scale). */
  static final Set<String> EVAL_DATASETS = Set.of("xor", "circles", "spirals", "moons");

  private NetworkExport() {}

  /** Why this set-up cannot be exported for {@code backflow eval}, or null when it can. */
  public static String refusal(Setup s) {
    if (!EVAL_DATASETS.contains(s.dataset().id)) {
      return "export is for the xor, circles, spirals and moons data sets, which `backflow eval` generates too; this is "
          + s.dataset().id;
    }
    if (!s.features().equals(dev.backflow.web.setup.Feature.COORDINATES)) {
      return "export needs the inputs x1, x2 as they are (the toy model of `backflow eval` reads the points themselves)";
    }
    if (s.hidden().isEmpty()) return "export needs at least one hidden layer (the toy model of `backflow eval` has one)";
    if (s.activations().stream().distinct().count() > 1) {
      return "export needs one activation for every hidden layer (the toy model of `backflow eval` has one), not "
          + s.activations().stream().map(a -> a.id).collect(Collectors.joining(", "));
    }
    return null;
  }

  /** The command that evaluates the exported file. */
  public static String evalCommand(Setup s, String file) {
    return "backflow eval --checkpoint " + file + " --hidden "
        + s.hidden().stream().map(String::valueOf).collect(Collectors.joining(",")) + " --activation "
        + s.activations().get(0).id;
  }

  /** The checkpoint's bytes; {@code run} must not change meanwhile (the caller holds its session). */
  public static byte[] safetensors(TrainingRun run) throws IOException {
    Setup s = run.setup();
    String refused = refusal(s);
    if (refused != null) throw new BadRequest(refused);
    List<Linear> layers = run.network().layers();
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (int l = 0; l < layers.size() - 1; l++) {
      tensors.put((2 * l) + ".weight", layers.get(l).weight.detach());
      tensors.put((2 * l) + ".bias", layers.get(l).bias.detach());
    }
    Linear out = layers.get(layers.size() - 1);
    int in = out.weight.shape(1);
    float[] w = new float[2 * in], b = new float[2];
    System.arraycopy(out.weight.toArray(), 0, w, in, in); // row 0 stays zero: class 0's logit is 0
    b[1] = out.bias.toArray()[0];
    String last = String.valueOf(2 * (layers.size() - 1));
    tensors.put(last + ".weight", Tensor.of(w, 2, in));
    tensors.put(last + ".bias", Tensor.of(b, 2));

    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("model", "toy");
    meta.put("dataset", s.dataset().id);
    meta.put("hidden", s.hidden().stream().map(String::valueOf).collect(Collectors.joining(",")));
    meta.put("activation", s.activations().get(0).id);
    meta.put("step", String.valueOf(run.steps()));
    meta.put("source", "backflow serve playground; logits (0, z) so that softmax gives the page's sigmoid(z)");
    meta.put("setup", s.toQuery().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("&")));
    Path file = Files.createTempFile("backflow-export-", ".safetensors");
    try {
      SafeTensors.save(file, tensors, meta);
      return Files.readAllBytes(file);
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
