package dev.backflow.train;

import dev.backflow.io.SafeTensors;
import dev.backflow.nn.Module;
import dev.backflow.optim.Optimizer;
import dev.backflow.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
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

  /**
   * Loads into {@code model} (and {@code optimizer}, when given); returns the progress metadata. Everything is
   * checked before anything is changed: a file that is corrupt or does not fit leaves both exactly as they were.
   */
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
    checkFits(file, model.stateDict(), modelState);
    Map<String, String> meta = new LinkedHashMap<>(c.metadata());
    long steps = 0;
    if (optimizer != null) {
      String kind = meta.get("optimizer");
      if (kind != null && !optState.isEmpty() && !kind.equals(optimizer.getClass().getSimpleName())) {
        throw new IOException(file + ": holds " + kind + " state, not " + optimizer.getClass().getSimpleName());
      }
      String stepText = meta.getOrDefault("optimizer_steps", "0");
      try {
        steps = Long.parseLong(stepText);
      } catch (NumberFormatException e) {
        throw new IOException(file + ": optimizer_steps '" + stepText + "' is not a whole number");
      }
      for (Map.Entry<String, Map<String, Tensor>> e : optState.entrySet()) {
        int[] shape = params.get(e.getKey()).shape();
        for (Map.Entry<String, Tensor> s : e.getValue().entrySet()) {
          if (s.getValue().numel() != 1 && !Arrays.equals(s.getValue().shape(), shape)) {
            throw new IOException(file + ": optimizer state '" + s.getKey() + "' of '" + e.getKey() + "' has shape "
                + Arrays.toString(s.getValue().shape()) + " but the parameter has shape " + Arrays.toString(shape));
          }
        }
      }
    }
    model.loadStateDict(modelState);
    if (optimizer != null) {
      for (Map.Entry<String, Map<String, Tensor>> e : optState.entrySet()) optimizer.setState(params.get(e.getKey()), e.getValue());
      optimizer.setStepCount(steps);
    }
    return meta;
  }

  /** The same names and shapes as the model's state, or an IOException naming the first difference. */
  private static void checkFits(Path file, Map<String, Tensor> mine, Map<String, Tensor> saved) throws IOException {
    for (Map.Entry<String, Tensor> e : mine.entrySet()) {
      Tensor t = saved.get(e.getKey());
      if (t == null) throw new IOException(file + ": does not fit this model: it lacks '" + e.getKey() + "'");
      if (!Arrays.equals(t.shape(), e.getValue().shape())) {
        throw new IOException(file + ": does not fit this model: '" + e.getKey() + "' has shape " + Arrays.toString(t.shape())
            + " but the model expects " + Arrays.toString(e.getValue().shape()));
      }
    }
    for (String k : saved.keySet()) {
      if (!mine.containsKey(k)) throw new IOException(file + ": does not fit this model: unexpected tensor '" + k + "'");
    }
  }
}
