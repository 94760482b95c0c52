package dev.backflow.cli;

import dev.backflow.data.DataLoader;
import dev.backflow.data.Dataset;
import dev.backflow.nn.Module;
import dev.backflow.optim.LrScheduler;
import dev.backflow.optim.Optimizer;
import dev.backflow.optim.Optimizers;
import dev.backflow.train.Checkpoint;
import dev.backflow.train.EpochResult;
import dev.backflow.train.Trainer;
import dev.backflow.train.TrainingListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Trains a model, printing progress, and writes a checkpoint and a loss/accuracy chart after every epoch. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train a model (default: the Fashion-MNIST MLP with Adam) and write a checkpoint and a PNG curve.")
final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin TrainingSetup setup;

  @Option(names = "--optimizer", description = "sgd, momentum, nesterov, rmsprop, adam, adamw; default: ${DEFAULT-VALUE}")
  String optimizer = "adam";

  @Option(names = "--lr", description = "learning rate; default: 1e-3, or 0.01 for the toy model") Double lr;
  @Option(names = "--weight-decay", description = "weight decay; default: ${DEFAULT-VALUE}") double weightDecay = 0;
  @Option(names = "--batch-size", description = "mini-batch size; default: 64, or 32 for the toy model") Integer batchSize;
  @Option(names = "--epochs", description = "epochs; default: ${DEFAULT-VALUE}") int epochs = 5;
  @Option(names = "--clip", description = "clip the global gradient norm (0 = off)") double clip;
  @Option(names = "--schedule", description = "learning-rate schedule per epoch: constant or cosine (to 0 at the last epoch); default: ${DEFAULT-VALUE}")
  String schedule = "constant";
  @Option(names = "--out", description = "output directory for checkpoint.safetensors and curves.png; default: ${DEFAULT-VALUE}")
  Path out = Path.of("runs/latest");
  @Option(names = "--resume", description = "continue from OUT/checkpoint.safetensors") boolean resume;
  @Option(names = "--amp", description = "mixed precision: bfloat16 activations, float32 master weights, loss scaling (mlp and toy models)")
  boolean amp;
  @Option(names = "--threads", description = "kernel threads (default: all cores)") Integer threads;
  @Option(names = "--no-progress", description = "print one line per epoch, even on a terminal (a pipe or file never gets a progress bar)")
  boolean noProgress;

  @Override
  public Integer call() throws Exception {
    if (threads != null) dev.backflow.backend.cpu.Parallel.setThreads(threads);
    if (epochs < 0) throw new IllegalArgumentException("--epochs must be 0 or more, got " + epochs);
    PrintWriter o = spec.commandLine().getOut();
    // The toy MLP learns the 2-D sets (spirals included: ~95% in 3 epochs) at a larger rate and smaller
    // batches than the image models; with theirs, a few epochs ended at chance.
    boolean toy = setup.model.equals("toy");
    if (lr == null) lr = toy ? 0.01 : 1e-3;
    if (batchSize == null) batchSize = toy ? 32 : 64;
    Dataset train = setup.trainSet(), test = setup.testSet();
    Module built = setup.buildModel(train);
    if (amp && !(built instanceof dev.backflow.nn.Sequential)) throw new IllegalArgumentException("--amp needs an mlp or toy model");
    Module model = amp ? new dev.backflow.amp.MixedPrecisionSequential((dev.backflow.nn.Sequential) built) : built;
    // --weight-decay 0, the default, leaves each optimizer its own: AdamW's is 0.01.
    Optimizers.Options options = weightDecay == 0 ? Optimizers.Options.DEFAULTS : Optimizers.Options.DEFAULTS.withWeightDecay(weightDecay);
    Optimizer opt = Optimizers.create(optimizer, model.parameters(), lr, options);
    DataLoader trainLoader = new DataLoader(train, batchSize, true, false, setup.seed, 2);
    DataLoader testLoader = new DataLoader(test, 1000, false, false, 0, 1);
    Path ckpt = out.resolve("checkpoint.safetensors");
    int done = 0;
    if (resume) {
      Map<String, String> meta = Checkpoint.load(ckpt, model, opt);
      done = Integer.parseInt(meta.getOrDefault("epoch", "0"));
      trainLoader.setEpoch(done);
      o.printf(Locale.ROOT, "resumed from %s after epoch %d%n", ckpt, done);
    }
    o.printf(Locale.ROOT, "%s on %s: %d training / %d test examples, %,d parameters, %s lr %s, batch %d%n",
        setup.model, setup.dataset, train.size(), test.size(), model.numParameters(), optimizer, lr, batchSize);
    Trainer trainer = new Trainer(model, opt, setup.lossFunction()).clipGradNorm(clip).resumeAfter(done);
    if (amp) trainer.gradScaler(new dev.backflow.amp.GradScaler());
    if (schedule.equals("cosine")) {
      trainer.scheduler(LrScheduler.cosine(opt, Math.max(1, epochs), 0.0));
    } else if (!schedule.equals("constant")) {
      throw new IllegalArgumentException("--schedule must be constant or cosine, got " + schedule);
    }
    Files.createDirectories(out);
    List<EpochResult> history = new ArrayList<>();
    if (!noProgress && ProgressLine.isTerminal()) trainer.listener(new ProgressLine(o, epochs, 250));
    trainer.listener(TrainingListener.eachEpoch(r -> {
      history.add(r);
      if (setup.isRegression()) {  // no classes, so no accuracy: the loss is the mean squared error
        o.printf(Locale.ROOT, "epoch %d: train loss %.4f | test loss %.4f (mean squared error) | %.0f samples/s%n", r.epoch(),
            r.train().loss(), r.validation().loss(), r.samplesPerSecond());
      } else {
        o.printf(Locale.ROOT, "epoch %d: train loss %.4f acc %.4f | test loss %.4f acc %.4f | %.0f samples/s%n", r.epoch(),
            r.train().loss(), r.train().accuracy(), r.validation().loss(), r.validation().accuracy(), r.samplesPerSecond());
      }
      o.flush();
      saveCheckpointAndCurves(ckpt, model, opt, r, history);
    }));
    try {
      trainer.fit(trainLoader, testLoader, Math.max(0, epochs - done));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    o.printf("checkpoint: %s%ncurves: %s%n", ckpt, out.resolve("curves.png"));
    return 0;
  }

  /** After every epoch, so that an interrupted run can be resumed and its curves looked at. */
  private void saveCheckpointAndCurves(Path ckpt, Module model, Optimizer opt, EpochResult r, List<EpochResult> history) {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("epoch", Integer.toString(r.epoch()));
    meta.put("model", setup.model);
    meta.put("dataset", setup.dataset);
    meta.putAll(setup.architecture());
    meta.put("test_loss", Double.toString(r.validation().loss()));
    if (!setup.isRegression()) meta.put("test_accuracy", Double.toString(r.validation().accuracy()));
    try {
      Checkpoint.save(ckpt, model, opt, meta);
      Charts.trainingCurves(history, setup.isRegression() ? "mean squared error" : "cross-entropy", out.resolve("curves.png"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
