package dev.backflow.cli;

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
    description = "Train a character-level GPT (default 4 layers, 4 heads, d_model 128, context 64) with AdamW.")
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
  @Option(names = "--out", description = "output directory; default: ${DEFAULT-VALUE}") Path out = Path.of("runs/gpt");

  @Override
  public Integer call() throws IOException {
    if (threads != null) dev.backflow.backend.cpu.Parallel.setThreads(threads);
    PrintWriter o = spec.commandLine().getOut();
    if (steps < 0 || batchSize <= 0 || context <= 0) throw new IllegalArgumentException("--steps, --batch-size and --context must be positive");
    String corpusText = readText(text.isEmpty() ? defaultText() : text, maxChars);
    CharCorpus corpus = new CharCorpus(corpusText);
    SplittableRandom rng = new SplittableRandom(seed);
    Gpt model = new Gpt(corpus.vocabSize(), context, dModel, layers, heads, 0f, rng);
    AdamW opt = new AdamW(model.parameters(), lr, 0.9, 0.99, 1e-8, 0.01);
    LrScheduler schedule = LrScheduler.warmupThenCosine(opt, Math.min(100, Math.max(1, steps / 10)), Math.max(steps, 2), 0.1);
    o.printf(Locale.ROOT, "char GPT: %,d chars, vocabulary %d, %,d parameters, %d layers x %d heads, d_model %d, context %d, batch %d%n",
        corpus.length(), corpus.vocabSize(), model.numParameters(), layers, heads, dModel, context, batchSize);
    Files.createDirectories(out);
    long start = System.nanoTime();
    double smoothed = Double.NaN;
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
      if (step % 50 == 0 || step == steps || step == 1) {
        double secs = (System.nanoTime() - start) / 1e9;
        o.printf(Locale.ROOT, "step %5d  loss %.4f (smoothed %.4f nats/char)  %.0f tokens/s%n", step, l, smoothed,
            (double) step * batchSize * context / secs);
        o.flush();
      }
    }
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
    o.printf(Locale.ROOT, "checkpoint: %s%nsample: %s%n", ckpt,
        GenerateCommand.sample(model, corpus.vocabulary(), "The ", 200, 0.8, seed));
    return 0;
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
