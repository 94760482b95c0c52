// [guide:port]
package dev.backflow.guide;

import dev.backflow.Backflow;
import dev.backflow.autograd.Autograd;
import dev.backflow.data.*;
import dev.backflow.nn.*;
import dev.backflow.nn.Module;          // java.lang.Module would make the wildcard's Module ambiguous
import dev.backflow.ops.Losses;
import dev.backflow.ops.Reduction;
import dev.backflow.optim.*;
import dev.backflow.tensor.Tensor;
import dev.backflow.train.Checkpoint;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

/** The port of a PyTorch training script: custom Module, Dataset, loss, schedule, clipping, loop, evaluation, checkpoint. */
public final class ComingFromPyTorch {
  /** class Net(nn.Module): layers assigned to fields register themselves. */
  static final class Net extends Module {
    final Conv2d conv1 = Conv2d.builder(1, 8, 3).padding(1).build();
    final Conv2d conv2 = Conv2d.builder(8, 16, 3).padding(1).build();
    final Dropout dropout = new Dropout(0.25f);
    final Linear fc = new Linear(16 * 3 * 3, 4);

    @Override
    public Tensor forward(Tensor x) {
      x = F.maxPool2d(F.relu(conv1.forward(x)), 2);        // [N, 8, 6, 6]
      x = F.maxPool2d(F.relu(conv2.forward(x)), 2);        // [N, 16, 3, 3]
      return fc.forward(dropout.forward(x.flatten(1)));
    }
  }

  /** class Quadrants(Dataset): __len__ and __getitem__; the DataLoader does the batching. */
  static final class Quadrants implements Dataset {
    final int size;
    final long seed;

    Quadrants(int size, long seed) {
      this.size = size;
      this.seed = seed;
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public Example get(int i) {          // a 12x12 image whose bright quadrant is the label
      SplittableRandom rng = new SplittableRandom(seed * 1_000_003 + i);
      int label = rng.nextInt(4);
      float[] pixels = new float[12 * 12];
      for (int k = 0; k < pixels.length; k++) pixels[k] = (float) rng.nextGaussian() * 0.5f;
      for (int r = 0; r < 6; r++) for (int c = 0; c < 6; c++) pixels[(label / 2 * 6 + r) * 12 + label % 2 * 6 + c] += 1f;
      return new Example(Tensor.of(pixels, 1, 12, 12), Tensor.scalar(label));
    }
  }

  /** A custom loss is a function of tensors: label-smoothed cross-entropy. */
  static Tensor loss(Tensor logits, Tensor targets) {
    return F.crossEntropy(logits, targets, Losses.NO_IGNORE, 0.05f, Reduction.MEAN);
  }

  /** model.eval(); with torch.no_grad(): ... */
  static double accuracy(Module model, DataLoader loader) {
    model.eval();
    long correct = 0;
    for (Batch b : loader) {
      Tensor logits = Autograd.noGrad(() -> model.forward(b.inputs()));
      correct += (long) logits.argmax(1).eq(b.targets()).sum().item();
    }
    return (double) correct / loader.dataset().size();
  }

  /** Trains, evaluates, saves and reloads; returns the test accuracy before and after the reload. */
  static double[] run(Path dir, int epochs) throws Exception {
    Backflow.manualSeed(0);                                            // torch.manual_seed(0)
    DataLoader train = new DataLoader(new Quadrants(512, 1), 32, true, 0);
    DataLoader test = new DataLoader(new Quadrants(256, 2), 128, false, 0);
    Net model = new Net();
    AdamW opt = new AdamW(model.parameters(), 3e-3, 0.9, 0.999, 1e-8, 0.01);
    long warmup = 10, total = (long) epochs * train.batchesPerEpoch();
    LrScheduler schedule = LrScheduler.lambdaLr(opt, s -> s < warmup ? (s + 1.0) / warmup
        : 0.5 * (1 + Math.cos(Math.PI * (s - warmup) / (total - warmup))));

    for (int epoch = 1; epoch <= epochs; epoch++) {
      model.train();
      for (Batch b : train) {
        Tensor l = loss(model.forward(b.inputs()), b.targets());
        opt.zeroGrad();
        l.backward();
        GradClip.clipGradNorm(model.parameters(), 1.0);
        opt.step();
        schedule.step();
      }
      System.out.printf("epoch %d: lr %.5f, test accuracy %.3f%n", epoch, schedule.lastLr().get(0), accuracy(model, test));
    }

    Path file = dir.resolve("checkpoint.safetensors");                 // PyTorch loads it with strict=True
    Checkpoint.save(file, model, opt, Map.of("epoch", Integer.toString(epochs)));
    Net restored = new Net();
    Checkpoint.load(file, restored, null);
    return new double[] {accuracy(model, test), accuracy(restored, test)};
  }
}
// [/guide:port]
