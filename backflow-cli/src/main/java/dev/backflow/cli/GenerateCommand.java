package dev.backflow.cli;

import dev.backflow.data.CharCorpus;
import dev.backflow.io.SafeTensors;
import dev.backflow.nn.Gpt;
import dev.backflow.train.Checkpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Samples text from a character GPT checkpoint written by {@code backflow gpt}. */
@Command(name = "generate", mixinStandardHelpOptions = true, description = "Sample text from a trained character GPT.")
final class GenerateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Option(names = "--checkpoint", description = "default: ${DEFAULT-VALUE}") Path checkpoint = Path.of("runs/gpt/checkpoint.safetensors");
  @Option(names = "--prompt", description = "default: \"${DEFAULT-VALUE}\"") String prompt = "The ";
  @Option(names = "--length", description = "characters to generate; default: ${DEFAULT-VALUE}") int length = 400;
  @Option(names = "--temperature", description = "default: ${DEFAULT-VALUE}") double temperature = 0.8;
  @Option(names = "--seed", description = "default: ${DEFAULT-VALUE}") long seed = 0;

  @Override
  public Integer call() throws IOException {
    if (length < 0) throw new IllegalArgumentException("--length must be 0 or more");
    Map<String, String> meta = SafeTensors.load(checkpoint).metadata();
    String vocab = meta.get("vocabulary");
    if (vocab == null) throw new IOException(checkpoint + ": not a character GPT checkpoint (no vocabulary in its metadata)");
    Gpt model = new Gpt(vocab.length(), Integer.parseInt(meta.get("context")), Integer.parseInt(meta.get("d_model")),
        Integer.parseInt(meta.get("layers")), Integer.parseInt(meta.get("heads")), 0f, new SplittableRandom(0));
    Checkpoint.load(checkpoint, model, null);
    String unknown = unknownCharacters(vocab, prompt);
    if (!unknown.isEmpty()) {
      spec.commandLine().getErr().println("warning: the prompt's " + unknown + " not in the model's vocabulary of "
          + vocab.length() + " characters; left out of the prompt");
    }
    spec.commandLine().getOut().println(sample(model, vocab, prompt, length, temperature, seed));
    return 0;
  }

  /** "characters 'é', '€' are" (each once, in prompt order), or "" when the vocabulary has every one. */
  static String unknownCharacters(String vocab, String prompt) {
    java.util.LinkedHashSet<String> missing = new java.util.LinkedHashSet<>();
    for (char c : prompt.toCharArray()) {
      if (vocab.indexOf(c) < 0) missing.add(c == '\n' ? "'\\n'" : c == '\t' ? "'\\t'" : "'" + c + "'");
    }
    if (missing.isEmpty()) return "";
    return (missing.size() == 1 ? "character " : "characters ") + String.join(", ", missing) + (missing.size() == 1 ? " is" : " are");
  }

  static String sample(Gpt model, String vocab, String prompt, int length, double temperature, long seed) {
    CharCorpus codec = new CharCorpus(vocab + vocab, vocab);
    StringBuilder known = new StringBuilder();
    for (char c : prompt.toCharArray()) if (vocab.indexOf(c) >= 0) known.append(c);
    if (known.length() == 0) known.append(vocab.charAt(0));
    int[] out = model.generate(codec.encode(known.toString()), length, temperature, 0, new SplittableRandom(seed));
    return codec.decode(out);
  }
}
