package dev.backflow.cli;

import dev.backflow.data.DataLoader;
import dev.backflow.data.Dataset;
import dev.backflow.nn.Module;
import dev.backflow.train.Checkpoint;
import dev.backflow.train.LossFunction;
import dev.backflow.train.Metrics;
import dev.backflow.train.Trainer;
import java.nio.file.Path;
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
    Path file = Files.isDirectory(checkpoint) ? checkpoint.resolve("checkpoint.safetensors") : checkpoint;
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("--checkpoint " + checkpoint + ": no such file"
          + (Files.isDirectory(checkpoint) ? " (the directory has no checkpoint.safetensors)" : ""));
    }
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
    Metrics m = Trainer.evaluate(model, new DataLoader(test, 1000, false, false, 0, 1), LossFunction.crossEntropy());
    spec.commandLine().getOut().printf(Locale.ROOT, "%s on %s test split (%d examples): loss %.4f, accuracy %.4f%n",
        setup.model, setup.dataset, m.samples(), m.loss(), m.accuracy());
    return 0;
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
