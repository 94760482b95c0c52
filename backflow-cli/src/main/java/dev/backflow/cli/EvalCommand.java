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
import picocli.CommandLine.Mixin;
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
    Map<String, String> meta = dev.backflow.io.SafeTensors.load(checkpoint).metadata();
    if (meta.containsKey("model")) setup.model = meta.get("model");
    if (meta.containsKey("dataset")) setup.dataset = meta.get("dataset");
    Dataset test = setup.testSet();
    Module model = setup.buildModel(test);
    Checkpoint.load(checkpoint, model, null);
    Metrics m = Trainer.evaluate(model, new DataLoader(test, 1000, false, false, 0, 1), LossFunction.crossEntropy());
    spec.commandLine().getOut().printf(Locale.ROOT, "%s on %s test split (%d examples): loss %.4f, accuracy %.4f%n",
        setup.model, setup.dataset, m.samples(), m.loss(), m.accuracy());
    return 0;
  }
}
