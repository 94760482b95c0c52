package dev.backflow.train;

import dev.backflow.data.DataLoader;
import dev.backflow.data.TensorDataset;
import dev.backflow.data.ToyDatasets;
import dev.backflow.nn.Models;
import dev.backflow.nn.Module;
import dev.backflow.optim.Adam;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Trains the toy spirals MLP for a number of epochs, saving a checkpoint after each one and resuming from
 * it when one exists: the program {@link KillAndResumeTest} runs in its own JVM and kills. After each save
 * it prints "epoch N loss BITS" (the loss's exact bits), so the test can compare runs to the last bit.
 *
 * <p>Usage: {@code SpiralsTrainingProcess DIR EPOCHS}
 */
public final class SpiralsTrainingProcess {
  static final String CHECKPOINT = "checkpoint.safetensors";

  private SpiralsTrainingProcess() {}

  public static void main(String[] args) throws IOException {
    run(Path.of(args[0]), Integer.parseInt(args[1]), System.out);
  }

  static void run(Path dir, int epochs, PrintStream out) throws IOException {
    TensorDataset data = ToyDatasets.spirals(400, 0.05, 4);
    Module model = Models.toyMlp(new int[] {64, 64}, "relu", 2, 9);
    Adam optimizer = new Adam(model.parameters(), 0.01);
    DataLoader loader = new DataLoader(data, 32, true, false, 7, 0);
    Path checkpoint = dir.resolve(CHECKPOINT);
    int first = 1;
    if (Files.exists(checkpoint)) {
      first = Integer.parseInt(Checkpoint.load(checkpoint, model, optimizer).get("epoch")) + 1;
      loader.setEpoch(first - 1); // the shuffle of each epoch comes from the seed and the epoch number
      out.println("resumed after epoch " + (first - 1));
    }
    Trainer trainer = new Trainer(model, optimizer, LossFunction.crossEntropy());
    for (int epoch = first; epoch <= epochs; epoch++) {
      double loss = trainer.fit(loader, null, 1).get(0).train().loss();
      Map<String, String> progress = new LinkedHashMap<>();
      progress.put("epoch", Integer.toString(epoch));
      Checkpoint.save(checkpoint, model, optimizer, progress);
      out.println("epoch " + epoch + " loss " + Long.toHexString(Double.doubleToLongBits(loss)));
      out.flush();
    }
  }
}
