package dev.backflow.cli;

import static dev.backflow.cli.CliRunner.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** generate says which prompt characters the model cannot read instead of dropping them silently. */
class GenerateCommandTest {
  @Test
  void unknownPromptCharactersAreNamedOnceEachInOrder() {
    assertEquals("", GenerateCommand.unknownCharacters("abc ", "a cab"));
    assertEquals("character 'Z' is", GenerateCommand.unknownCharacters("abc", "aZbZ"));
    assertEquals("characters 'é', '\\n' are", GenerateCommand.unknownCharacters("abc", "é\nabé"));
  }

  @Test
  void generateWarnsOnStderrAndStillSamples(@TempDir Path dir) throws Exception {
    Path text = dir.resolve("text.txt");
    Files.writeString(text, "the quick brown fox jumps over the lazy dog. ".repeat(50));
    String[] train = run("gpt", "--text", text.toString(), "--steps", "2", "--batch-size", "4", "--context", "8",
        "--d-model", "16", "--layers", "1", "--heads", "2", "--out", dir.toString());
    assertEquals("0", train[0], train[2]);
    String[] gen = run("generate", "--checkpoint", dir.resolve("checkpoint.safetensors").toString(), "--prompt", "THE fox",
        "--length", "5");
    assertEquals("0", gen[0], gen[2]);
    assertTrue(gen[2].contains("warning: the prompt's characters 'T', 'H', 'E' are not in the model's vocabulary"), gen[2]);
    assertTrue(gen[1].startsWith(" fox"), gen[1]);
    String[] clean = run("generate", "--checkpoint", dir.resolve("checkpoint.safetensors").toString(), "--prompt", "the",
        "--length", "2");
    assertFalse(clean[2].contains("warning"), clean[2]);
  }
}
