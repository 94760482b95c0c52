package dev.backflow.train;

import dev.backflow.io.SafeTensors;
import dev.backflow.nn.Module;
import dev.backflow.optim.Optimizer;
import dev.backflow.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A training checkpoint as two safetensors files: {@code FILE} holds the model's state dict alone, under
 * PyTorch's names and dtypes (BatchNorm's {@code num_batches_tracked} as I64), so that
 * {@code model.load_state_dict(safetensors.torch.load_file(FILE), strict=True)} works on it, with progress
 * (epoch, step, user fields) in its metadata; the optimizer's state goes to the file beside it named by
 * {@link #optimizerFile(Path)} ({@code checkpoint.optimizer.safetensors}), as "&lt;param&gt;.&lt;state&gt;". Each is
 * saved atomically and checksummed; a pair id in both metadata catches a model file and an optimizer file
 * from different saves. Files written before this split (optimizer keys prefixed "optimizer." inside the
 * model file) still load.
 */
public final class Checkpoint {
  private static final String OPT = "optimizer.";
  private static final String PAIR = "optimizer_pair";

  private Checkpoint() {}

  /**
   * The file that holds the optimizer state of the checkpoint {@code file}.
   *
   * @param file a checkpoint, e.g. {@code runs/x/checkpoint.safetensors}
   * @return e.g. {@code runs/x/checkpoint.optimizer.safetensors}
   */
  public static Path optimizerFile(Path file) {
    String name = file.getFileName().toString();
    String stem = name.endsWith(".safetensors") ? name.substring(0, name.length() - ".safetensors".length()) : name;
    return file.resolveSibling(stem + ".optimizer.safetensors");
  }

  /**
   * Saves the model's state dict alone (no optimizer, no progress): what PyTorch's {@code load_state_dict}
   * reads with strict=True.
   *
   * @param file the destination
   * @param model the model
   * @throws IOException when the file cannot be written
   */
  public static void saveModel(Path file, Module model) throws IOException {
    SafeTensors.save(file, model.stateDict(), Map.of(), model.stateDictDtypes());
  }

  /**
   * Saves the model to {@code file} and, when an optimizer is given, its state to {@link #optimizerFile}
   * (written first, so the model file, written last, marks a complete save).
   *
   * @param file the model file
   * @param model the model
   * @param optimizer the optimizer, or null for a model-only checkpoint
   * @param progress string fields kept in the model file's metadata (e.g. "epoch")
   * @throws IOException when a file cannot be written
   */
  public static void save(Path file, Module model, Optimizer optimizer, Map<String, String> progress) throws IOException {
    Map<String, String> meta = new LinkedHashMap<>(progress);
    if (optimizer != null) {
      Map<String, Tensor> state = new LinkedHashMap<>();
      for (Map.Entry<String, Tensor> p : model.namedParameters().entrySet()) {
        for (Map.Entry<String, Tensor> s : optimizer.stateOf(p.getValue()).entrySet()) {
          state.put(p.getKey() + "." + s.getKey(), s.getValue());
        }
      }
      String pair = Long.toHexString(System.nanoTime() ^ Double.doubleToLongBits(Math.random()));
      meta.put("optimizer_steps", Long.toString(optimizer.stepCount()));
      meta.put("optimizer", optimizer.getClass().getSimpleName());
      meta.put(PAIR, pair);
      SafeTensors.save(optimizerFile(file), state, Map.of(PAIR, pair, "optimizer", optimizer.getClass().getSimpleName()));
    }
    SafeTensors.save(file, model.stateDict(), meta, model.stateDictDtypes());
  }

  /**
   * Loads into {@code model} (and {@code optimizer}, when given); returns the progress metadata. Everything is
   * checked before anything is changed: a file that is corrupt or does not fit leaves both exactly as they were.
   *
   * @param file the model file
   * @param model the model to load into
   * @param optimizer the optimizer to load into, or null to load the model only
   * @return the progress metadata saved with it
   * @throws IOException naming the file and the problem
   */
  public static Map<String, String> load(Path file, Module model, Optimizer optimizer) throws IOException {
    if (Files.isDirectory(file)) {
      throw new IOException(file + ": is a directory; pass the checkpoint file in it (e.g. " + file.resolve("checkpoint.safetensors") + ")");
    }
    SafeTensors.Contents c = SafeTensors.load(file);
    Map<String, Tensor> legacy = new LinkedHashMap<>();
    String pair = c.metadata().get(PAIR);
    if (optimizer != null && pair != null) {
      Path optFile = optimizerFile(file);
      if (!Files.isRegularFile(optFile)) {
        throw new IOException(file + ": its optimizer state " + optFile.getFileName() + " is missing (load the model only, "
            + "without an optimizer, to start the optimizer afresh)");
      }
      SafeTensors.Contents o = SafeTensors.load(optFile);
      if (!pair.equals(o.metadata().get(PAIR))) {
        throw new IOException(file + ": " + optFile.getFileName() + " is from another save (an interrupted save, or a copied "
            + "file); the model and optimizer files must be saved together");
      }
      for (Map.Entry<String, Tensor> e : o.tensors().entrySet()) legacy.put(OPT + e.getKey(), e.getValue());
    }
    Map<String, Tensor> all = new LinkedHashMap<>(c.tensors());
    all.putAll(legacy);
    Map<String, Tensor> modelState = new LinkedHashMap<>();
    Map<String, Map<String, Tensor>> optState = new LinkedHashMap<>();
    Map<String, Tensor> params = model.namedParameters();
    for (Map.Entry<String, Tensor> e : all.entrySet()) {
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
    checkFits(file, model.stateDict(), modelState, model.stateDictDtypes().keySet());
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
  private static void checkFits(Path file, Map<String, Tensor> mine, Map<String, Tensor> saved, java.util.Set<String> optional)
      throws IOException {
    for (Map.Entry<String, Tensor> e : mine.entrySet()) {
      Tensor t = saved.get(e.getKey());
      if (t == null && optional.contains(e.getKey())) continue;
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
