package dev.backflow.cli;

import dev.backflow.data.DataLoader;
import dev.backflow.data.Dataset;
import dev.backflow.nn.Module;
import dev.backflow.train.Checkpoint;
import dev.backflow.train.Metrics;
import dev.backflow.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import java.nio.file.Files;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Loads a checkpoint written by {@code backflow train} and reports test loss and accuracy. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Evaluate a checkpoint on the test split.")
final class EvalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin TrainingSetup setup;
  @Option(names = "--checkpoint", description = "default: ${DEFAULT-VALUE}") Path checkpoint = Path.of("runs/latest/checkpoint.safetensors");

  @Override
  public Integer call() throws Exception {
    Path file = checkpointFile(checkpoint);
    Map<String, String> meta = dev.backflow.io.SafeTensors.load(file).metadata();
    ParseResult given = spec.commandLine().getParseResult();
    if (given.hasMatchedOption("--limit")) {
      throw new IllegalArgumentException("--limit applies to training; eval scores the whole test split");
    }
    // The checkpoint says what it holds; a flag may repeat it but not contradict it.
    setup.model = fromCheckpoint(given, meta, "model", "--model", setup.model);
    setup.dataset = fromCheckpoint(given, meta, "dataset", "--dataset", setup.dataset);
    setup.activation = fromCheckpoint(given, meta, "activation", "--activation", setup.activation);
    String hidden = fromCheckpoint(given, meta, "hidden", "--hidden", TrainingSetup.hiddenText(setup.hidden));
    setup.hidden = java.util.Arrays.stream(hidden.split(",")).mapToInt(Integer::parseInt).toArray();
    if (!given.hasMatchedOption("--seed") && meta.containsKey("seed")) setup.seed = Long.parseLong(meta.get("seed"));
    Dataset test = setup.testSet();
    Module model = setup.buildModel(test);
    Checkpoint.load(file, model, null);
    Metrics m = Trainer.evaluate(model, new DataLoader(test, 1000, false, false, 0, 1), setup.lossFunction());
    if (setup.isRegression()) {
      spec.commandLine().getOut().printf(Locale.ROOT, "%s on %s test split (%d examples): loss %.4f (mean squared error)%n",
          setup.model, setup.dataset, m.samples(), m.loss());
    } else {
      spec.commandLine().getOut().printf(Locale.ROOT, "%s on %s test split (%d examples): loss %.4f, accuracy %.4f%n",
          setup.model, setup.dataset, m.samples(), m.loss(), m.accuracy());
    }
    return 0;
  }

  /**
   * The file to read: {@code path} itself, or the checkpoint.safetensors that train writes into a run directory.
   * Anything else is refused with what to give instead.
   */
  static Path checkpointFile(Path path) throws IOException {
    if (Files.isRegularFile(path)) return path;
    if (Files.isDirectory(path)) {
      Path inside = path.resolve("checkpoint.safetensors");
      if (Files.isRegularFile(inside)) return inside;
      List<Path> candidates;
      try (Stream<Path> s = Files.list(path)) {
        candidates = s.filter(p -> p.getFileName().toString().endsWith(".safetensors") && Files.isRegularFile(p)).sorted().toList();
      }
      throw new IllegalArgumentException("--checkpoint " + path + " is a directory; give the checkpoint file inside it, e.g. "
          + (candidates.isEmpty() ? path.resolve("checkpoint.safetensors") + " (this one has no .safetensors file: train"
          + " writes OUT/checkpoint.safetensors into its --out directory)" : candidates.get(0)));
    }
    throw new IllegalArgumentException("--checkpoint " + path + ": no such file (train writes OUT/checkpoint.safetensors,"
        + " runs/latest/checkpoint.safetensors by default; give that file or its directory)");
  }

  /** The checkpoint's value of {@code key}; an explicit flag that says otherwise is refused by name. */
  private String fromCheckpoint(ParseResult given, Map<String, String> meta, String key, String flag, String current) {
    String saved = meta.get(key);
    if (saved == null) return current;
    if (given.hasMatchedOption(flag) && !saved.equals(current)) {
      throw new IllegalArgumentException(flag + " " + current + " contradicts the checkpoint, which holds " + key + " "
          + saved + "; leave " + flag + " out (eval reads it from the checkpoint)");
    }
    return saved;
  }
}
