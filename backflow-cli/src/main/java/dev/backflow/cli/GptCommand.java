package dev.backflow.cli;

import dev.backflow.autograd.Autograd;
import dev.backflow.data.Batch;
import dev.backflow.data.CharCorpus;
import dev.backflow.nn.Gpt;
import dev.backflow.ops.Losses;
import dev.backflow.optim.AdamW;
import dev.backflow.optim.GradClip;
import dev.backflow.optim.LrScheduler;
import dev.backflow.tensor.Tensor;
import dev.backflow.train.Checkpoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Trains a character-level GPT on text files with AdamW, then samples from it. */
@Command(name = "gpt", mixinStandardHelpOptions = true,
    description = "Train a character-level GPT (default 4 layers, 4 heads, d_model 128, context 64) with AdamW, printing a"
        + " progress line every few steps and writing the loss curves (training and validation) to OUT/curves.png.")
final class GptCommand implements Callable<Integer> {
  /** Vim's plain-text manuals (Debian's vim-runtime): a few MB of English prose, when present. */
  static final Path DEFAULT_TEXT_DIR = Path.of("/usr/share/vim/vim90/doc");

  @Spec CommandSpec spec;
  @Option(names = "--text", description = "text file(s) to train on; default: the .txt files in " + "/usr/share/vim/vim90/doc")
  List<Path> text = new ArrayList<>();
  @Option(names = "--steps", description = "optimizer steps; default: ${DEFAULT-VALUE}") int steps = 2000;
  @Option(names = "--batch-size", description = "windows per step; default: ${DEFAULT-VALUE}") int batchSize = 32;
  @Option(names = "--context", description = "context length; default: ${DEFAULT-VALUE}") int context = 64;
  @Option(names = "--d-model", description = "model width; default: ${DEFAULT-VALUE}") int dModel = 128;
  @Option(names = "--layers", description = "transformer blocks; default: ${DEFAULT-VALUE}") int layers = 4;
  @Option(names = "--heads", description = "attention heads; default: ${DEFAULT-VALUE}") int heads = 4;
  @Option(names = "--lr", description = "peak learning rate; default: ${DEFAULT-VALUE}") double lr = 2e-3;
  @Option(names = "--seed", description = "seed; default: ${DEFAULT-VALUE}") long seed = 0;
  @Option(names = "--max-chars", description = "use at most this many characters of text; default: ${DEFAULT-VALUE}") int maxChars = 4_000_000;
  @Option(names = "--threads", description = "kernel threads (default: all cores)") Integer threads;
  @Option(names = "--out", description = "output directory for checkpoint.safetensors and curves.png; default: ${DEFAULT-VALUE}")
  Path out = Path.of("runs/gpt");
  @Option(names = "--log-every", description = "print a progress line every N steps (0 = about 20 lines a run); default: ${DEFAULT-VALUE}")
  int logEvery = 0;
  @Option(names = "--validation", description = "fraction of the text held out for the validation loss (0 = none); default: ${DEFAULT-VALUE}")
  double validation = 0.1;

  /** Batches of held-out text behind each validation figure: the same windows every time, so the curve is smooth. */
  private static final int VALIDATION_BATCHES = 4;

  @Override
  public Integer call() throws IOException {
    if (threads != null) dev.backflow.backend.cpu.Parallel.setThreads(threads);
    PrintWriter o = spec.commandLine().getOut();
    if (steps < 0 || batchSize <= 0 || context <= 0) throw new IllegalArgumentException("--steps, --batch-size and --context must be positive");
    if (logEvery < 0) throw new IllegalArgumentException("--log-every must be 0 (automatic) or more, got " + logEvery);
    if (!(validation >= 0 && validation < 1)) throw new IllegalArgumentException("--validation must be a fraction in [0, 1), got " + validation);
    String corpusText = readText(text.isEmpty() ? defaultText() : text, maxChars);
    // The held-out tail is encoded with the whole text's vocabulary, so a character that only it has is still known.
    int heldOut = (int) (corpusText.length() * validation);
    if (heldOut > 0 && heldOut <= context) {
      throw new IllegalArgumentException("--validation " + validation + " holds out " + heldOut + " characters, not more than"
          + " --context " + context + "; give more text, a larger fraction, or --validation 0");
    }
    CharCorpus vocabulary = new CharCorpus(corpusText);
    CharCorpus corpus = new CharCorpus(corpusText.substring(0, corpusText.length() - heldOut), vocabulary.vocabulary());
    List<Batch> held = new ArrayList<>();
    SplittableRandom heldRng = new SplittableRandom(seed + 1);
    if (heldOut > 0) {
      CharCorpus val = new CharCorpus(corpusText.substring(corpusText.length() - heldOut), vocabulary.vocabulary());
      for (int i = 0; i < VALIDATION_BATCHES; i++) held.add(val.sample(batchSize, context, heldRng));
    }
    SplittableRandom rng = new SplittableRandom(seed);
    Gpt model = new Gpt(corpus.vocabSize(), context, dModel, layers, heads, 0f, rng);
    AdamW opt = new AdamW(model.parameters(), lr, 0.9, 0.99, 1e-8, 0.01);
    LrScheduler schedule = LrScheduler.warmupThenCosine(opt, Math.min(100, Math.max(1, steps / 10)), Math.max(steps, 2), 0.1);
    o.printf(Locale.ROOT, "char GPT: %,d chars (%,d held out for validation), vocabulary %d, %,d parameters, %d layers x %d heads,"
        + " d_model %d, context %d, batch %d%n", corpus.length(), heldOut, corpus.vocabSize(), model.numParameters(), layers,
        heads, dModel, context, batchSize);
    o.flush();
    Files.createDirectories(out);
    Path curves = out.resolve("curves.png");
    int every = logEvery > 0 ? logEvery : Math.max(1, steps / 20);
    LossCurve curve = new LossCurve();
    long lastChart = System.nanoTime(), intervalStart = lastChart;
    double smoothed = Double.NaN, intervalSum = 0;
    int intervalSteps = 0;
    for (int step = 1; step <= steps; step++) {
      Batch b = corpus.sample(batchSize, context, rng);
      Tensor logits = model.forward(b.inputs());
      Tensor loss = Losses.crossEntropy(logits.reshape(-1, corpus.vocabSize()), b.targets().reshape(-1));
      opt.zeroGrad();
      loss.backward();
      GradClip.clipGradNorm(model.parameters(), 1.0);
      opt.step();
      schedule.step();
      double l = loss.item();
      smoothed = Double.isNaN(smoothed) ? l : 0.95 * smoothed + 0.05 * l;
      intervalSum += l;
      intervalSteps++;
      if (step % every == 0 || step == steps || step == 1) {
        long now = System.nanoTime();
        // The interval's training speed: the validation pass and the chart below are not counted.
        double tokensPerSecond = (double) intervalSteps * batchSize * context / Math.max((now - intervalStart) / 1e9, 1e-9);
        double mean = intervalSum / intervalSteps;
        double valLoss = held.isEmpty() ? Double.NaN : validationLoss(model, held, corpus.vocabSize());
        curve.add(step, mean, valLoss);
        // One line per report, never a carriage-return frame: the same text in a terminal and in a piped log.
        o.printf(Locale.ROOT, "step %d/%d  loss %.4f (mean of %d step%s)%s  %.0f tokens/s%n", step, steps, mean, intervalSteps,
            intervalSteps == 1 ? "" : "s", held.isEmpty() ? "" : String.format(Locale.ROOT, "  validation loss %.4f", valLoss),
            tokensPerSecond);
        o.flush();
        intervalSum = 0;
        intervalSteps = 0;
        // Redrawn every so often (and at the end) so that a long run's curves can be looked at while it trains.
        if (now - lastChart > 10_000_000_000L) {
          curve.write(curves);
          lastChart = System.nanoTime();
        }
        intervalStart = System.nanoTime();
      }
    }
    if (steps > 0) curve.write(curves);
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("vocabulary", corpus.vocabulary());
    meta.put("context", Integer.toString(context));
    meta.put("d_model", Integer.toString(dModel));
    meta.put("layers", Integer.toString(layers));
    meta.put("heads", Integer.toString(heads));
    meta.put("steps", Integer.toString(steps));
    meta.put("smoothed_loss", Double.toString(smoothed));
    Path ckpt = out.resolve("checkpoint.safetensors");
    Checkpoint.save(ckpt, model, opt, meta);
    o.printf(Locale.ROOT, "checkpoint: %s%n%ssample: %s%n", ckpt, steps > 0 ? "curves: " + curves + "\n" : "",
        GenerateCommand.sample(model, corpus.vocabulary(), "The ", 200, 0.8, seed));
    return 0;
  }

  /** Mean cross-entropy over the held-out batches, recording nothing for backward. */
  static double validationLoss(Gpt model, List<Batch> held, int vocab) {
    double sum = 0;
    for (Batch b : held) {
      sum += Autograd.noGrad(() -> Losses.crossEntropy(model.forward(b.inputs()).reshape(-1, vocab), b.targets().reshape(-1)).item());
    }
    return sum / held.size();
  }

  /** The figures of each progress line, for the curves PNG. */
  private static final class LossCurve {
    private final List<double[]> points = new ArrayList<>();

    void add(int step, double trainLoss, double validationLoss) {
      points.add(new double[] {step, trainLoss, validationLoss});
    }

    void write(Path png) throws IOException {
      double[] steps = points.stream().mapToDouble(p -> p[0]).toArray();
      double[] train = points.stream().mapToDouble(p -> p[1]).toArray();
      List<double[]> val = points.stream().filter(p -> !Double.isNaN(p[2])).toList();
      Charts.stepCurves(steps, train, val.stream().mapToDouble(p -> p[0]).toArray(), val.stream().mapToDouble(p -> p[2]).toArray(),
          "cross-entropy (nats/char)", png);
    }
  }

  static List<Path> defaultText() throws IOException {
    if (!Files.isDirectory(DEFAULT_TEXT_DIR)) {
      throw new IOException("no --text given and " + DEFAULT_TEXT_DIR + " (Debian's vim-runtime) is absent; pass --text FILE");
    }
    try (Stream<Path> s = Files.list(DEFAULT_TEXT_DIR)) {
      return s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
    }
  }

  static String readText(List<Path> files, int maxChars) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (Path p : files) {
      if (sb.length() >= maxChars) break;
      if (!Files.isRegularFile(p)) throw new IOException(p + ": no such file");
      String t = new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
      // Keep printable ASCII and newlines: a small, stable vocabulary.
      for (int i = 0; i < t.length() && sb.length() < maxChars; i++) {
        char c = t.charAt(i);
        if (c == '\n' || (c >= 32 && c < 127)) sb.append(c);
        else if (c == '\t') sb.append(' ');
      }
    }
    if (sb.length() < 1000) throw new IOException("the text is too short to train on (" + sb.length() + " characters)");
    return sb.toString();
  }
}
