package dev.backflow.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backflow.io.SafeTensors;
import dev.backflow.tensor.Tensor;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 in the middle of training, then a resume in a new process, ends exactly where an uninterrupted run
 * ends: the same loss for every epoch and the same final parameters, to the last bit. The checkpoint written
 * after each epoch is renamed into place atomically, so the kill can never leave half a file behind.
 */
class KillAndResumeTest {
  static final int EPOCHS = 20;

  @Test
  void aKilledRunResumedInANewProcessMatchesAnUninterruptedRunBitForBit(@TempDir Path dir) throws Exception {
    Path killed = dir.resolve("killed"), straight = dir.resolve("straight");
    java.nio.file.Files.createDirectories(killed);
    java.nio.file.Files.createDirectories(straight);

    // 1. train in a child JVM and kill it (SIGKILL on Unix) as soon as its third checkpoint is on disk
    Process p = start(killed);
    Map<Integer, String> losses = new TreeMap<>();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        record(line, losses);
        if (losses.size() == 3) break;
      }
      p.destroyForcibly();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the child did not die");
    }
    int saved = Integer.parseInt(SafeTensors.load(killed.resolve(SpiralsTrainingProcess.CHECKPOINT)).metadata().get("epoch"));
    assertTrue(saved >= 3 && saved < EPOCHS, "killed after epoch " + saved + ", not in the middle of training");
    losses.keySet().removeIf(e -> e > saved); // epochs printed after the last checkpoint we know of are redone

    // 2. resume in another child JVM, which finds the checkpoint and trains to the end
    Process resumed = start(killed);
    String resumedOut = new String(resumed.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, resumed.waitFor(), resumedOut + java.nio.file.Files.readString(killed.resolve("stderr.txt")));
    assertTrue(resumedOut.startsWith("resumed after epoch " + saved), resumedOut);
    for (String line : resumedOut.split("\n")) record(line, losses);

    // 3. the same training, never interrupted, in this JVM
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    SpiralsTrainingProcess.run(straight, EPOCHS, new PrintStream(buf, true, StandardCharsets.UTF_8));
    Map<Integer, String> expected = new TreeMap<>();
    for (String line : buf.toString(StandardCharsets.UTF_8).split("\n")) record(line, expected);

    assertEquals(expected, losses);
    Map<String, Tensor> a = SafeTensors.load(straight.resolve(SpiralsTrainingProcess.CHECKPOINT)).tensors();
    Map<String, Tensor> b = SafeTensors.load(killed.resolve(SpiralsTrainingProcess.CHECKPOINT)).tensors();
    assertEquals(a.keySet(), b.keySet());
    for (String k : a.keySet()) assertArrayEquals(a.get(k).toArray(), b.get(k).toArray(), 0f, k);
  }

  private static void record(String line, Map<Integer, String> losses) {
    String[] w = line.trim().split(" ");
    if (w.length == 4 && w[0].equals("epoch")) losses.put(Integer.parseInt(w[1]), w[3]);
  }

  /** The same java, JVM options and class path as this test, running SpiralsTrainingProcess. */
  private static Process start(Path dir) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!arg.startsWith("-agentlib") && !arg.startsWith("-javaagent") && !arg.startsWith("-Xrunjdwp")) cmd.add(arg);
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(SpiralsTrainingProcess.class.getName());
    cmd.add(dir.toString());
    cmd.add(Integer.toString(EPOCHS));
    return new ProcessBuilder(cmd).redirectError(dir.resolve("stderr.txt").toFile()).start();
  }
}
