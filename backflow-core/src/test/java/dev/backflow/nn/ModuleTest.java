package dev.backflow.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backflow.autograd.Autograd;
import dev.backflow.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Module bookkeeping: names, counts, modes, gradients, state dicts, initializers and printing. */
class ModuleTest {
  private static SplittableRandom rng(long seed) {
    return new SplittableRandom(seed);
  }

  // ===================================================================================================
  // Names and counts

  @Test
  void sequentialNamesParametersByLayerIndexAsPyTorch() {
    Sequential s = new Sequential(new Linear(3, 4, rng(1)), Activation.relu(), new Linear(4, 2, false, rng(2)));
    assertEquals(List.of("0.weight", "0.bias", "2.weight"), List.copyOf(s.namedParameters().keySet()));
    Linear first = (Linear) s.get(0);
    assertSame(first.weight, s.namedParameters().get("0.weight"), "the named parameter is the layer's own tensor");
    assertEquals(List.of(first.weight, first.bias, ((Linear) s.get(2)).weight), s.parameters());
  }

  @Test
  void nestedModulesJoinTheirNamesWithDots() {
    Sequential s = new Sequential(new Sequential(new Linear(2, 3, rng(1))), new Residual(new Linear(3, 3, rng(2))),
        new TransformerBlock(4, 2, 0f, rng(3)));
    Map<String, Tensor> named = s.namedParameters();
    assertTrue(named.containsKey("0.0.weight"), named.keySet().toString());
    assertTrue(named.containsKey("1.body.bias"), named.keySet().toString());
    assertTrue(named.containsKey("2.attention.qkv.weight"), named.keySet().toString());
    assertTrue(named.containsKey("2.mlp.2.bias"), named.keySet().toString());
    assertEquals(List.of("0.0.weight", "0.0.bias", "1.body.weight", "1.body.bias", "2.ln1.weight"),
        List.copyOf(named.keySet()).subList(0, 5), "registration order, depth first");
  }

  @Test
  void batchNormKeepsRunningStatisticsAsBuffersNotParameters() {
    Sequential s = new Sequential(new Linear(3, 4, rng(1)), new BatchNorm1d(4));
    assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias"), List.copyOf(s.namedParameters().keySet()));
    assertEquals(List.of("1.running_mean", "1.running_var", "1.num_batches_tracked"), List.copyOf(s.namedBuffers().keySet()));
    assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked"),
        List.copyOf(s.stateDict().keySet()));
  }

  @Test
  void fashionMlpHas235146Parameters() {
    Sequential mlp = Models.fashionMlp(0);
    long expected = 784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10;
    assertEquals(235_146, expected);
    assertEquals(expected, mlp.numParameters());
    assertEquals(6, mlp.parameters().size());
    assertEquals(expected, mlp.parameters().stream().mapToLong(Tensor::numel).sum());
    for (Tensor p : mlp.parameters()) assertTrue(p.requiresGrad() && p.isLeaf(), "parameters are leaves that require grad");
  }

  // ===================================================================================================
  // Modes

  @Test
  void trainAndEvalReachEveryDescendant() {
    Gpt gpt = new Gpt(7, 6, 8, 2, 2, 0.1f, rng(1));
    assertTrue(gpt.modules().size() > 10);
    assertTrue(gpt.modules().stream().allMatch(Module::isTraining), "modules start in training mode");
    assertSame(gpt, gpt.eval());
    for (Module m : gpt.modules()) assertFalse(m.isTraining(), m.getClass().getSimpleName() + " still training");
    assertSame(gpt, gpt.train());
    for (Module m : gpt.modules()) assertTrue(m.isTraining(), m.getClass().getSimpleName() + " not training");
  }

  @Test
  void dropoutZeroesAndRescalesOnlyInTraining() {
    Sequential s = new Sequential(new Sequential(new Dropout(0.5f, rng(3))));
    Tensor x = Tensor.ones(4000);
    float[] y = s.forward(x).toArray();
    int zeros = 0;
    for (float v : y) {
      assertTrue(v == 0f || v == 2f, "kept values are scaled by 1/(1-p) = 2, got " + v);
      if (v == 0f) zeros++;
    }
    assertEquals(0.5, zeros / 4000.0, 0.04, "about half the values dropped");

    s.eval();
    assertArrayEquals(x.toArray(), s.forward(x).toArray(), "eval mode passes the input through");
    s.train();
    assertTrue(s.forward(x).min().item() == 0f, "training mode drops again");
  }

  // ===================================================================================================
  // Gradients

  @Test
  void zeroGradClearsTheGradientOfEveryParameter() {
    Sequential s = new Sequential(new Linear(3, 4, rng(1)), Activation.tanh(), new Linear(4, 2, rng(2)));
    s.forward(Tensor.randn(5, 6, 3)).sum().backward();
    for (var e : s.namedParameters().entrySet()) assertNotNull(e.getValue().grad(), e.getKey() + " has a gradient");
    s.zeroGrad();
    for (var e : s.namedParameters().entrySet()) assertNull(e.getValue().grad(), e.getKey() + " still has a gradient");
  }

  // ===================================================================================================
  // State dicts

  @Test
  void stateDictRoundTripReproducesTheModelIncludingBuffers() {
    Sequential a = new Sequential(new Linear(3, 4, rng(1)), new BatchNorm1d(4), Activation.relu(), new Linear(4, 2, rng(2)));
    a.forward(Tensor.randn(9, 8, 3).mul(3f).add(1f)); // moves the running statistics away from 0 and 1
    Sequential b = new Sequential(new Linear(3, 4, rng(5)), new BatchNorm1d(4), Activation.relu(), new Linear(4, 2, rng(6)));
    Tensor x = Tensor.randn(10, 5, 3);
    a.eval();
    b.eval();
    assertFalse(java.util.Arrays.equals(a.forward(x).toArray(), b.forward(x).toArray()), "different seeds differ");

    Map<String, Tensor> state = a.stateDict();
    b.loadStateDict(state);
    assertArrayEquals(a.forward(x).toArray(), b.forward(x).toArray(), "same outputs after loading (eval mode)");
    for (var e : state.entrySet()) {
      assertArrayEquals(e.getValue().toArray(), b.stateDict().get(e.getKey()).toArray(), e.getKey());
    }

    // loading copies values: the source and the model do not share storage afterwards
    try (var g = Autograd.noGrad()) {
      state.get("0.weight").fill_(0f);
    }
    assertFalse(java.util.Arrays.equals(a.stateDict().get("0.weight").toArray(), b.stateDict().get("0.weight").toArray()));
    assertTrue(b.namedParameters().get("0.weight").requiresGrad(), "loaded parameters still require grad");
  }

  @Test
  void loadStateDictNamesTheMissingKey() {
    Sequential s = new Sequential(new Linear(3, 4, rng(1)), new Linear(4, 2, rng(2)));
    Map<String, Tensor> state = new LinkedHashMap<>(s.stateDict());
    state.remove("1.bias");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.loadStateDict(state));
    assertTrue(e.getMessage().contains("missing key '1.bias'"), e.getMessage());
  }

  @Test
  void loadStateDictNamesTheUnexpectedKey() {
    Sequential s = new Sequential(new Linear(3, 4, rng(1)));
    Map<String, Tensor> state = new LinkedHashMap<>(s.stateDict());
    state.put("0.running_mean", Tensor.zeros(4));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.loadStateDict(state));
    assertTrue(e.getMessage().contains("unexpected key '0.running_mean'"), e.getMessage());
  }

  @Test
  void loadStateDictNamesTheKeyAndBothShapesOnAMismatchAndChangesNothing() {
    Sequential s = new Sequential(new Linear(3, 4, rng(1)), new Linear(4, 2, rng(2)));
    float[] before = s.namedParameters().get("0.weight").toArray();
    Map<String, Tensor> state = new LinkedHashMap<>();
    s.stateDict().forEach((k, v) -> state.put(k, Tensor.zerosLike(v)));
    state.put("1.weight", Tensor.zeros(4, 2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.loadStateDict(state));
    assertTrue(e.getMessage().contains("'1.weight'"), e.getMessage());
    assertTrue(e.getMessage().contains("[4, 2]") && e.getMessage().contains("[2, 4]"), e.getMessage());
    assertArrayEquals(before, s.namedParameters().get("0.weight").toArray(), "a failed load copies nothing");
  }

  // ===================================================================================================
  // Initialization

  @Test
  void xavierUniformStaysWithinItsBoundWithTheMatchingStandardDeviation() {
    int[] shape = {300, 500};
    Tensor w = Init.xavierUniform(rng(11), 1.0, shape);
    double a = Math.sqrt(6.0 / (300 + 500));
    double[] ms = meanStd(w);
    assertTrue(w.abs().max().item() <= a, "values within ±" + a);
    assertTrue(w.abs().max().item() > 0.99 * a, "values reach the bound");
    assertEquals(0, ms[0], 0.01 * a);
    assertEquals(a / Math.sqrt(3), ms[1], 0.01 * a / Math.sqrt(3), "std of U(-a, a) is a/√3");

    Tensor tanh = Init.xavierUniform(rng(12), Init.gain("tanh", 0), 64, 32, 3, 3);
    double b = 5.0 / 3 * Math.sqrt(6.0 / (32 * 9 + 64 * 9));
    assertTrue(tanh.abs().max().item() <= b, "the gain and the receptive field scale the bound");
  }

  @Test
  void kaimingNormalHasStandardDeviationGainOverRootFanIn() {
    Tensor w = Init.kaimingNormal(rng(13), Init.gain("relu", 0), 256, 128, 3, 3);
    assertEquals(128 * 9, Init.fanIn(w.shape()));
    assertEquals(256 * 9, Init.fanOut(w.shape()));
    double std = Math.sqrt(2.0 / (128 * 9));
    double[] ms = meanStd(w);
    assertEquals(0, ms[0], 0.01 * std);
    assertEquals(std, ms[1], 0.01 * std);
  }

  @Test
  void linearAndConvInitializeUniformlyWithinOneOverRootFanInAsPyTorch() {
    Linear l = new Linear(400, 300, rng(1));
    double bound = 1 / Math.sqrt(400);
    assertTrue(l.weight.abs().max().item() <= bound && l.weight.abs().max().item() > 0.99 * bound);
    assertTrue(l.bias.abs().max().item() <= bound);
    Conv2d c = new Conv2d(16, 32, 3, 1, 1, 1, 2, true, rng(2));
    double cb = 1 / Math.sqrt(16 / 2 * 9);
    assertTrue(c.weight.abs().max().item() <= cb && c.weight.abs().max().item() > 0.98 * cb);
  }

  private static double[] meanStd(Tensor t) {
    float[] v = t.toArray();
    double sum = 0, sq = 0;
    for (float x : v) sum += x;
    double mean = sum / v.length;
    for (float x : v) sq += (x - mean) * (x - mean);
    return new double[] {mean, Math.sqrt(sq / v.length)};
  }

  // ===================================================================================================
  // Printing

  @Test
  void toStringPrintsOneIndentedLinePerModuleAsPyTorch() {
    assertEquals(String.join("\n",
        "Sequential(",
        "  (0): Linear(in=784, out=256)",
        "  (1): ReLU()",
        "  (2): Linear(in=256, out=128)",
        "  (3): ReLU()",
        "  (4): Linear(in=128, out=10)",
        ")"), Models.fashionMlp(0).toString());
    assertEquals(String.join("\n",
        "TransformerBlock(",
        "  (ln1): LayerNorm(8)",
        "  (attention): MultiHeadSelfAttention(",
        "    dModel=8, heads=2",
        "    (qkv): Linear(in=8, out=24)",
        "    (proj): Linear(in=8, out=8)",
        "    (dropout): Dropout(p=0.1)",
        "  )",
        "  (ln2): LayerNorm(8)",
        "  (mlp): Sequential(",
        "    (0): Linear(in=8, out=32)",
        "    (1): GELU()",
        "    (2): Linear(in=32, out=8)",
        "    (3): Dropout(p=0.1)",
        "  )",
        ")"), new TransformerBlock(8, 2, 0.1f, rng(1)).toString());
  }
}
