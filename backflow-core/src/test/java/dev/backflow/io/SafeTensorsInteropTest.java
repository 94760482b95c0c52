package dev.backflow.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.backflow.autograd.Autograd;
import dev.backflow.nn.Activation;
import dev.backflow.nn.BatchNorm2d;
import dev.backflow.nn.Conv2d;
import dev.backflow.nn.Flatten;
import dev.backflow.nn.Linear;
import dev.backflow.nn.Module;
import dev.backflow.nn.Sequential;
import dev.backflow.optim.Adam;
import dev.backflow.tensor.Tensor;
import dev.backflow.train.Checkpoint;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files written by the official Python package load in Backflow, and Backflow's model files load in PyTorch with
 * strict=True and predict what Backflow predicts.
 *
 * <p>The fixtures were written by {@code safetensors.torch.save_file} of safetensors 0.8.0 (PyPI) from PyTorch
 * tensors (Debian's python3-torch 1.13.1, which reports 1.13.0a0), by tools/safetensors_fixtures.py in the venv of
 * tools/python-env.sh; the one float8 entry, a dtype torch 1.13 lacks, by the same package's {@code serialize_file}.
 * The tests need no Python: the PyTorch side of the other direction runs only where that venv exists (or
 * BACKFLOW_PYTHON names a python with torch and safetensors), and is skipped elsewhere.
 */
class SafeTensorsInteropTest {
  @TempDir
  Path dir;

  private static Path fixture(String name) throws URISyntaxException {
    var url = SafeTensorsInteropTest.class.getResource("/fixtures/safetensors/" + name);
    assertTrue(url != null, "missing fixture " + name + "; run /usr/bin/python3 tools/safetensors_fixtures.py");
    return Paths.get(url.toURI());
  }

  /** nn.Sequential(Conv2d(1, 2, 3), BatchNorm2d(2), ReLU(), Flatten(), Linear(8, 3)), as in the script. */
  private static Sequential model() {
    SplittableRandom rng = new SplittableRandom(3);
    return new Sequential(new Conv2d(1, 2, 3, rng), new BatchNorm2d(2), Activation.relu(), new Flatten(), new Linear(8, 3, rng));
  }

  @Test
  void everyDtypePyTorchWritesIsReadAndAnUnknownOneIsSkippedByName() throws Exception {
    SafeTensors.Contents c = SafeTensors.load(fixture("dtypes.safetensors"));
    Map<String, Tensor> t = c.tensors();
    assertArrayEquals(new float[] {1.5f, -2.25f, 1e-3f}, t.get("f64").toArray());
    assertArrayEquals(new float[] {0.1f, -3.0e38f}, t.get("f32").toArray());
    assertArrayEquals(new float[] {-32768, 32767}, t.get("i16").toArray());
    assertArrayEquals(new float[] {-128, 127}, t.get("i8").toArray());
    assertArrayEquals(new float[] {0, -7, 16777216, 3}, t.get("i64").toArray());
    assertArrayEquals(new int[] {2, 2}, t.get("i64").shape());
    assertArrayEquals(new float[] {5, -6}, t.get("i32").toArray());
    assertArrayEquals(new float[] {0, 200, 255}, t.get("u8").toArray());
    assertArrayEquals(new float[] {1, 0, 1}, t.get("bool").toArray());
    assertArrayEquals(new float[] {0.5f, -65504f, 6.1035156e-05f, 1.0009765625f}, t.get("f16").toArray());
    assertArrayEquals(new float[] {1f, -3.140625f, 1.0009e30f}, t.get("bf16").toArray(), 1e27f);
    assertEquals(Map.of("f64", "F64", "f32", "F32", "i64", "I64", "i32", "I32", "i16", "I16", "i8", "I8", "u8", "U8",
        "bool", "BOOL", "f16", "F16", "bf16", "BF16"), c.dtypes());
    assertEquals(Map.of(), c.skipped());

    SafeTensors.Contents f8 = SafeTensors.load(fixture("unknown_dtype.safetensors"));
    assertEquals(Map.of("f8", "F8_E4M3"), f8.skipped());
    assertEquals(List.of("f32"), List.copyOf(f8.tensors().keySet()), "the rest of the file still loads");
    assertArrayEquals(new float[] {2.5f, -1f}, f8.tensors().get("f32").toArray());
  }

  @Test
  void backflowWritesEveryDtypeAndReadsItBack() throws IOException {
    Map<String, Tensor> t = new LinkedHashMap<>();
    t.put("f64", Tensor.of(new float[] {1.5f, -1e-3f}, 2));
    t.put("f16", Tensor.of(new float[] {0.1f, 70000f, -2.5f}, 3));
    t.put("bf16", Tensor.of(new float[] {3.14159f}, 1));
    t.put("i64", Tensor.of(new float[] {-3, 16777216}, 2));
    t.put("i32", Tensor.of(new float[] {7}, 1));
    t.put("u8", Tensor.of(new float[] {255}, 1));
    t.put("bool", Tensor.of(new float[] {0, 2}, 2));
    Map<String, String> dtypes = Map.of("f64", "F64", "f16", "F16", "bf16", "BF16", "i64", "I64", "i32", "I32", "u8", "U8",
        "bool", "BOOL");
    Path f = dir.resolve("all.safetensors");
    SafeTensors.save(f, t, Map.of(), dtypes);
    SafeTensors.Contents c = SafeTensors.load(f);
    assertEquals(dtypes, c.dtypes());
    assertArrayEquals(new float[] {1.5f, -1e-3f}, c.tensors().get("f64").toArray());
    assertArrayEquals(new float[] {0.099975586f, Float.POSITIVE_INFINITY, -2.5f}, c.tensors().get("f16").toArray(),
        "F16 rounds to nearest even and overflows to infinity, as torch's .half()");
    assertArrayEquals(new float[] {3.140625f}, c.tensors().get("bf16").toArray());
    assertArrayEquals(new float[] {-3, 16777216}, c.tensors().get("i64").toArray());
    assertArrayEquals(new float[] {0, 1}, c.tensors().get("bool").toArray());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SafeTensors.save(dir.resolve("x.safetensors"), Map.of("n", Tensor.of(new float[] {0.5f}, 1)), Map.of(), Map.of("n", "I64")));
    assertTrue(e.getMessage().contains("'n' holds 0.5"), e.getMessage());
  }

  @Test
  void aPyTorchBatchNormModelLoadsStrictlyAndPredictsAsPyTorch() throws Exception {
    SafeTensors.Contents c = SafeTensors.load(fixture("bn_model.safetensors"));
    assertEquals("I64", c.dtypes().get("1.num_batches_tracked"));
    Sequential m = model();
    assertTrue(m.loadStateDict(c.tensors(), true).isComplete());
    assertEquals(2f, m.stateDict().get("1.num_batches_tracked").item());
    Map<String, Tensor> io = SafeTensors.load(fixture("bn_model_io.safetensors")).tensors();
    m.eval();
    Tensor y = Autograd.noGrad(() -> m.forward(io.get("input")));
    assertArrayEquals(io.get("output").toArray(), y.toArray(), 1e-5f);
  }

  @Test
  void aCheckpointsModelFileHoldsTheStateDictAloneWrittenReadableByOthers() throws Exception {
    Sequential m = model();
    m.loadStateDict(SafeTensors.load(fixture("bn_model.safetensors")).tensors());
    Adam adam = new Adam(m.parameters(), 0.01);
    m.train();
    // one step of Backflow's own: new weights, running statistics and a third counted batch
    m.forward(Tensor.randn(new SplittableRandom(5), 4, 1, 4, 4)).sum().backward();
    adam.step();
    m.eval();
    Path file = dir.resolve("checkpoint.safetensors");
    Checkpoint.save(file, m, adam, Map.of("epoch", "1"));

    SafeTensors.Contents c = SafeTensors.load(file);
    assertEquals(List.copyOf(m.stateDict().keySet()), List.copyOf(c.tensors().keySet()), "no optimizer keys in the model file");
    assertEquals("I64", c.dtypes().get("1.num_batches_tracked"));
    Path opt = Checkpoint.optimizerFile(file);
    assertEquals("checkpoint.optimizer.safetensors", opt.getFileName().toString());
    for (Path p : List.of(file, opt)) {
      assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
    }

    Sequential back = model();
    Adam backOpt = new Adam(back.parameters(), 0.01);
    assertEquals("1", Checkpoint.load(file, back, backOpt).get("epoch"));
    assertEquals(adam.stepCount(), backOpt.stepCount());
    assertArrayEquals(adam.stateOf(m.parameters().get(0)).get("exp_avg").toArray(),
        backOpt.stateOf(back.parameters().get(0)).get("exp_avg").toArray());

    // a model file from one save and an optimizer file from another are refused
    Path other = dir.resolve("other.safetensors");
    Checkpoint.save(other, m, adam, Map.of());
    Files.copy(Checkpoint.optimizerFile(other), opt, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    IOException e = assertThrows(IOException.class, () -> Checkpoint.load(file, model(), new Adam(model().parameters(), 0.01)));
    assertTrue(e.getMessage().contains("from another save"), e.getMessage());
    e = assertThrows(IOException.class, () -> Checkpoint.load(dir, model(), null));
    assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
  }

  @Test
  void pyTorchLoadsBackflowsBatchNormModelFileStrictlyAndPredictsWhatBackflowPredicts() throws Exception {
    Path python = pythonWithSafetensors();
    assumeTrue(python != null, "no python with torch and safetensors (run tools/python-env.sh)");
    Path script = Path.of(System.getProperty("user.dir")).resolveSibling("tools").resolve("safetensors_fixtures.py");
    assumeTrue(Files.isRegularFile(script), "no " + script);
    Sequential m = model();
    m.loadStateDict(SafeTensors.load(fixture("bn_model.safetensors")).tensors());
    Adam adam = new Adam(m.parameters(), 0.01);
    m.train();
    m.forward(Tensor.randn(new SplittableRandom(5), 4, 1, 4, 4)).sum().backward();
    adam.step();
    m.eval();
    Map<String, Tensor> pyTorchIo = SafeTensors.load(fixture("bn_model_io.safetensors")).tensors();
    Tensor input = pyTorchIo.get("input"), output = Autograd.noGrad(() -> m.forward(input));
    assertTrue(output.sub(pyTorchIo.get("output")).abs().max().item() > 1e-3f, "the step moved the model off the fixture's");
    Path io = dir.resolve("io.safetensors");
    SafeTensors.save(io, Map.of("input", input, "output", output), Map.of());
    Path file = dir.resolve("checkpoint.safetensors"), alone = dir.resolve("model.safetensors");
    Checkpoint.save(file, m, adam, Map.of("epoch", "1"));
    Checkpoint.saveModel(alone, m);
    for (Path f : List.of(file, alone)) {
      Process p = new ProcessBuilder(python.toString(), script.toString(), "check", f.toString(), io.toString())
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, p.waitFor(), f + ": " + out);
      assertTrue(out.contains("OK strict load") && out.contains("num_batches_tracked=3"), out);
    }
  }

  /** BACKFLOW_PYTHON, else the venv of tools/python-env.sh; null when neither is there (CI has no Python). */
  private static Path pythonWithSafetensors() {
    String given = System.getenv("BACKFLOW_PYTHON");
    Path venv = Path.of(System.getProperty("user.home"), ".cache", "backflow", "python-env", "bin", "python");
    Path python = given != null && !given.isBlank() ? Path.of(given) : venv;
    return Files.isExecutable(python) ? python : null;
  }

  @Test
  void anOlderStateDictWithoutTheCounterStillLoadsStrictly() {
    Module m = model();
    Map<String, Tensor> old = new LinkedHashMap<>(model().stateDict());
    old.remove("1.num_batches_tracked");
    Module.LoadResult r = m.loadStateDict(old, true);
    assertEquals(List.of("1.num_batches_tracked"), r.missingKeys());
    assertFalse(r.isComplete());
  }
}
