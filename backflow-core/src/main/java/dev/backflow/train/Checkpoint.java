package dev.backflow.train;

import dev.backflow.io.SafeTensors;
import dev.backflow.nn.Module;
import dev.backflow.optim.Optimizer;
import dev.backflow.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Model and optimizer state in one safetensors file: model tensors under their own names (so PyTorch's
 * {@code load_state_dict} reads them), optimizer state under "optimizer.&lt;param&gt;.&lt;state&gt;", and progress
 * (epoch, step, user fields) in the metadata. Saved atomically and checksummed.
 */
public final class Checkpoint {
  private static final String OPT = "optimizer.";

  private Checkpoint() {}

  public static void save(Path file, Module model, Optimizer optimizer, Map<String, String> progress) throws IOException {
    Map<String, Tensor> tensors = new LinkedHashMap<>(model.stateDict());
    Map<String, String> meta = new LinkedHashMap<>(progress);
    if (optimizer != null) {
      for (Map.Entry<String, Tensor> p : model.namedParameters().entrySet()) {
        for (Map.Entry<String, Tensor> s : optimizer.stateOf(p.getValue()).entrySet()) {
          tensors.put(OPT + p.getKey() + "." + s.getKey(), s.getValue());
        }
      }
      meta.put("optimizer_steps", Long.toString(optimizer.stepCount()));
      meta.put("optimizer", optimizer.getClass().getSimpleName());
    }
    SafeTensors.save(file, tensors, meta);
  }

  /** Loads into {@code model} (and {@code optimizer}, when given); returns the progress metadata. */
  public static Map<String, String> load(Path file, Module model, Optimizer optimizer) throws IOException {
    SafeTensors.Contents c = SafeTensors.load(file);
    Map<String, Tensor> modelState = new LinkedHashMap<>();
    Map<String, Map<String, Tensor>> optState = new LinkedHashMap<>();
    Map<String, Tensor> params = model.namedParameters();
    for (Map.Entry<String, Tensor> e : c.tensors().entrySet()) {
      String k = e.getKey();
      if (!k.startsWith(OPT)) {
        modelState.put(k, e.getValue());
        continue;
      }
      String rest = k.substring(OPT.length());
      int dot = rest.lastIndexOf('.');
      String param = dot < 0 ? rest : rest.substring(0, dot);
      if (dot < 0 || !params.containsKey(param)) throw new IOException(file + ": optimizer state '" + k + "' names no parameter of the model");
      optState.computeIfAbsent(param, p -> new LinkedHashMap<>()).put(rest.substring(dot + 1), e.getValue());
    }
    try {
      model.loadStateDict(modelState);
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": does not fit this model: " + e.getMessage(), e);
    }
    Map<String, String> meta = new LinkedHashMap<>(c.metadata());
    if (optimizer != null) {
      String kind = meta.get("optimizer");
      if (kind != null && !optState.isEmpty() && !kind.equals(optimizer.getClass().getSimpleName())) {
        throw new IOException(file + ": holds " + kind + " state, not " + optimizer.getClass().getSimpleName());
      }
      for (Map.Entry<String, Map<String, Tensor>> e : optState.entrySet()) {
        optimizer.setState(params.get(e.getKey()), e.getValue());
      }
      optimizer.setStepCount(Long.parseLong(meta.getOrDefault("optimizer_steps", "0")));
    }
    return meta;
  }
}
