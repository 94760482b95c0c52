package dev.backflow.nn;

import static dev.backflow.TorchFixtures.assertClose;
import static dev.backflow.TorchFixtures.tensor;
import static dev.backflow.TorchFixtures.tensors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backflow.TorchFixtures;
import dev.backflow.autograd.Autograd;
import dev.backflow.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Modules against PyTorch: forward outputs, parameter and input gradients, and BatchNorm's running
 * statistics and eval-mode output.
 *
 * <p>The fixture {@code fixtures/torch_nn.json} is written by {@code tools/torch_nn_reference.py}
 * (regenerate with {@code /usr/bin/python3 tools/torch_nn_reference.py}). Each case holds the PyTorch
 * module's state (for attention, the transformer block and the GPT, a hand-written twin with Backflow's
 * parameter layout; the script checks its attention twin against nn.MultiheadAttention), which this test
 * copies in with loadStateDict after checking that Backflow names its parameters and buffers exactly as
 * PyTorch does, in the same order. Each pass backpropagates L = sum(out * W) with the case's fixed W.
 *
 * <p>Tolerance |actual - expected| &lt;= rtol |expected| + atol: rtol 1e-5, atol 1e-6 for single layers;
 * rtol 1e-4, atol 1e-5 for Conv2d (long float32 sums in another order, as in TorchParityTest) and the
 * composite modules (attention, transformer block, GPT).
 */
class ModuleParityTest {
  private static final String FIXTURE = "/fixtures/torch_nn.json";

  private static JsonNode doc;

  @BeforeAll
  static void load() {
    doc = TorchFixtures.load(FIXTURE, "tools/torch_nn_reference.py");
  }

  @Test
  void fixtureCoversEveryModule() {
    Set<String> modules = new HashSet<>(), names = new HashSet<>();
    for (JsonNode c : doc.get("cases")) {
      assertTrue(names.add(c.get("name").asText()), "duplicate case " + c.get("name"));
      modules.add(c.get("module").asText());
      assertFalse(c.get("passes").isEmpty(), c.get("name") + " has no passes");
    }
    assertEquals(Set.of("Linear", "Conv2d", "LayerNorm", "BatchNorm1d", "BatchNorm2d", "Embedding",
        "MultiHeadSelfAttention", "TransformerBlock", "Gpt"), modules);
  }

  @TestFactory
  Stream<DynamicTest> modulesMatchPyTorchForwardGradientsAndRunningStatistics() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : doc.get("cases")) tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> replay(c)));
    return tests.stream();
  }

  private static void replay(JsonNode c) {
    String name = c.get("name").asText();
    Module module = build(c.get("module").asText(), c.get("config"));
    boolean composite = !Set.of("Linear", "LayerNorm", "BatchNorm1d", "BatchNorm2d", "Embedding")
        .contains(c.get("module").asText());
    double rtol = composite ? 1e-4 : 1e-5, atol = rtol / 10;

    Map<String, Tensor> state = tensors(c.get("state"));
    // the fixture leaves out PyTorch's num_batches_tracked (it was written before Backflow kept it); it comes last
    boolean batchNorm = c.get("module").asText().startsWith("BatchNorm");
    if (batchNorm) state.put("num_batches_tracked", Tensor.scalar(0f));
    assertEquals(List.copyOf(state.keySet()), List.copyOf(module.stateDict().keySet()),
        name + ": Backflow's state names (in order) should be PyTorch's");
    module.loadStateDict(state);
    module.train();

    int passNo = 0;
    for (JsonNode pass : c.get("passes")) {
      String what = name + " pass " + (++passNo);
      module.zeroGrad();
      Tensor input = tensor(pass.get("input"));
      if (!pass.get("integer").asBoolean()) input.requiresGrad(true);
      Tensor out = module.forward(input);
      assertClose(what + ": output", pass.get("output"), out, rtol, atol);

      out.mul(tensor(pass.get("weight"))).sum().backward();
      Map<String, Tensor> params = module.namedParameters();
      assertEquals(params.size() + (pass.get("integer").asBoolean() ? 0 : 1), pass.get("grads").size(),
          what + ": PyTorch has a gradient for every parameter" + (pass.get("integer").asBoolean() ? "" : " and the input"));
      pass.get("grads").fields().forEachRemaining(e -> {
        Tensor leaf = e.getKey().equals("input") ? input : params.get(e.getKey());
        assertTrue(leaf != null, what + ": Backflow has no parameter " + e.getKey());
        assertClose(what + ": grad of " + e.getKey(), e.getValue(), leaf.grad(), rtol, atol);
      });
      Map<String, Tensor> buffers = module.namedBuffers();
      assertEquals(pass.get("buffers").size() + (batchNorm ? 1 : 0), buffers.size(), what + ": buffer count");
      if (batchNorm) assertEquals(passNo, buffers.get("num_batches_tracked").item(), what + ": num_batches_tracked");
      pass.get("buffers").fields().forEachRemaining(e ->
          assertClose(what + ": buffer " + e.getKey(), e.getValue(), buffers.get(e.getKey()), rtol, atol));
    }

    JsonNode eval = c.get("eval");
    if (eval != null) {
      module.eval();
      try (var g = Autograd.noGrad()) {
        assertClose(name + ": eval-mode output", eval.get("output"), module.forward(tensor(eval.get("input"))), rtol, atol);
      }
    }
  }

  /** The Backflow module of a case; the generator's seed is irrelevant because the state is loaded. */
  private static Module build(String kind, JsonNode cfg) {
    SplittableRandom rng = new SplittableRandom(7);
    switch (kind) {
      case "Linear":
        return new Linear(cfg.get("in").asInt(), cfg.get("out").asInt(), cfg.get("bias").asBoolean(), rng);
      case "Conv2d":
        return new Conv2d(cfg.get("in").asInt(), cfg.get("out").asInt(), cfg.get("kernel").asInt(),
            cfg.get("stride").asInt(), cfg.get("padding").asInt(), cfg.get("dilation").asInt(), cfg.get("groups").asInt(),
            cfg.get("bias").asBoolean(), rng);
      case "LayerNorm":
        return new LayerNorm(cfg.get("features").asInt());
      case "BatchNorm1d":
        return new BatchNorm1d(cfg.get("features").asInt());
      case "BatchNorm2d":
        return new BatchNorm2d(cfg.get("features").asInt());
      case "Embedding":
        return new Embedding(cfg.get("count").asInt(), cfg.get("dim").asInt(), rng);
      case "MultiHeadSelfAttention":
        return new MultiHeadSelfAttention(cfg.get("d_model").asInt(), cfg.get("heads").asInt(), 0f, rng);
      case "TransformerBlock":
        return new TransformerBlock(cfg.get("d_model").asInt(), cfg.get("heads").asInt(), 0f, rng);
      case "Gpt":
        return new Gpt(cfg.get("vocab").asInt(), cfg.get("context").asInt(), cfg.get("d_model").asInt(),
            cfg.get("layers").asInt(), cfg.get("heads").asInt(), 0f, rng);
      default:
        throw new AssertionError("unknown module " + kind);
    }
  }

  @Test
  void gptNamesItsParametersAsThePyTorchTwin() {
    Gpt gpt = new Gpt(11, 8, 8, 2, 2, 0f, new SplittableRandom(1));
    List<String> names = List.copyOf(gpt.namedParameters().keySet());
    assertEquals("tokens.weight", names.get(0));
    assertEquals("positions.weight", names.get(1));
    assertEquals(List.of("blocks.0.ln1.weight", "blocks.0.ln1.bias", "blocks.0.attention.qkv.weight",
        "blocks.0.attention.qkv.bias", "blocks.0.attention.proj.weight", "blocks.0.attention.proj.bias",
        "blocks.0.ln2.weight", "blocks.0.ln2.bias", "blocks.0.mlp.0.weight", "blocks.0.mlp.0.bias",
        "blocks.0.mlp.2.weight", "blocks.0.mlp.2.bias"), names.subList(2, 14));
    assertEquals(List.of("lnFinal.weight", "lnFinal.bias", "head.weight"), names.subList(names.size() - 3, names.size()));
    assertEquals(2 + 2 * 12 + 3, names.size());
  }
}
