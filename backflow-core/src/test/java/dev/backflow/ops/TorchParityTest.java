package dev.backflow.ops;

import static dev.backflow.TorchFixtures.assertClose;
import static dev.backflow.TorchFixtures.floats;
import static dev.backflow.TorchFixtures.ints;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.backflow.backend.Conv2dSpec;
import dev.backflow.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.opentest4j.AssertionFailedError;

/**
 * Forward values and gradients of every op against PyTorch.
 *
 * <p>The cases live in {@code fixtures/torch_ops.json}, written by {@code tools/torch_reference.py}
 * (regenerate with {@code /usr/bin/python3 tools/torch_reference.py}). Each case names an op in PyTorch's
 * spelling with its parameters and inputs; this test maps it to the Backflow call, runs it forward,
 * backpropagates L = sum(out * W) with the case's fixed W, and compares the output and the gradient of
 * every input that requires grad. An op name with no mapping here fails its case.
 *
 * <p>Tolerance: |actual - expected| &lt;= rtol |expected| + atol, with rtol 1e-5 and atol 1e-6; conv2d and
 * matmul, whose long float32 sums may be ordered differently, get rtol 1e-4 and atol 1e-5.
 */
class TorchParityTest {
  private static final String FIXTURE = "/fixtures/torch_ops.json";

  private static JsonNode fixture() throws IOException {
    try (InputStream in = TorchParityTest.class.getResourceAsStream(FIXTURE)) {
      assertNotNull(in, "missing test resource " + FIXTURE + "; run /usr/bin/python3 tools/torch_reference.py");
      return new ObjectMapper().readTree(in);
    }
  }

  @TestFactory
  Stream<DynamicTest> matchesPyTorch() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : fixture().get("cases")) {
      tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> runCase(c)));
    }
    return tests.stream();
  }

  @Test
  void fixtureIsWellFormed() throws IOException {
    JsonNode cases = fixture().get("cases");
    assertTrue(cases.size() > 200, "expected the full fixture, found " + cases.size() + " cases");
    Set<String> names = new HashSet<>();
    for (JsonNode c : cases) {
      String name = c.get("name").asText();
      assertTrue(names.add(name), "duplicate case " + name);
      Set<String> inputs = new HashSet<>();
      for (JsonNode in : c.get("inputs")) {
        inputs.add(in.get("name").asText());
        assertEquals(numel(ints(in.get("shape"))), in.get("values").size(), name + ": input " + in.get("name"));
      }
      c.get("grads").fieldNames().forEachRemaining(g -> assertTrue(inputs.contains(g), name + ": grad of unknown " + g));
      JsonNode out = c.get("output");
      assertEquals(numel(ints(out.get("shape"))), out.get("values").size(), name + ": output");
      assertEquals(c.get("weight").isNull(), c.get("grads").isEmpty(), name + ": weight and grads go together");
    }
  }

  @Test
  void aCaseWhoseOpHasNoMappingFails() throws IOException {
    JsonNode c = new ObjectMapper().readTree("{\"name\":\"unmapped\",\"op\":\"no_such_op\",\"params\":{},"
        + "\"inputs\":[{\"name\":\"x\",\"shape\":[2],\"values\":[1.0,2.0],\"requires_grad\":false,\"integer\":false}],"
        + "\"output\":{\"shape\":[2],\"values\":[1.0,2.0]},\"weight\":null,\"grads\":{}}");
    AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> runCase(c));
    assertTrue(e.getMessage().contains("no_such_op"), e.getMessage());
  }

  // ===================================================================================================
  // One case

  private static void runCase(JsonNode c) {
    String name = c.get("name").asText();
    String op = c.get("op").asText();
    JsonNode p = c.get("params");
    Map<String, Tensor> leaves = new LinkedHashMap<>();
    List<Tensor> args = new ArrayList<>();
    List<JsonNode> specs = new ArrayList<>();
    for (JsonNode in : c.get("inputs")) {
      Tensor leaf = Tensor.of(floats(in.get("values")), ints(in.get("shape")));
      if (in.get("requires_grad").asBoolean()) leaf.requiresGrad(true);
      leaves.put(in.get("name").asText(), leaf);
      JsonNode tr = in.get("transpose");
      args.add(tr == null ? leaf : leaf.transpose(tr.get(0).asInt(), tr.get(1).asInt()));
      specs.add(in);
    }

    Tensor out = apply(op, p, args, specs);

    double rtol = op.equals("conv2d") || op.equals("matmul") ? 1e-4 : 1e-5;
    double atol = rtol / 10;
    JsonNode expected = c.get("output");
    assertClose(name + ": forward", expected, out, rtol, atol);

    JsonNode weight = c.get("weight");
    if (weight.isNull()) return;
    assertTrue(out.requiresGrad(), name + ": the output does not require grad, so no gradient can flow");
    Tensor w = Tensor.of(floats(weight.get("values")), ints(weight.get("shape")));
    out.mul(w).sum().backward();
    c.get("grads").fields().forEachRemaining(e -> {
      Tensor grad = leaves.get(e.getKey()).grad();
      String what = name + ": grad of " + e.getKey();
      if (e.getValue().isNull()) {
        // PyTorch left .grad as None (no path from the output); Backflow may report zeros instead
        if (grad != null) assertTrue(Arrays.stream(box(grad.toArray())).allMatch(v -> v == 0f), what + " should be 0");
        return;
      }
      assertNotNull(grad, what + " is missing (null)");
      assertClose(what, e.getValue(), grad, rtol, atol);
    });
  }

  /** The Backflow call for each PyTorch op name; an unknown name fails the case. */
  private static Tensor apply(String op, JsonNode p, List<Tensor> a, List<JsonNode> specs) {
    Tensor x = a.get(0);
    switch (op) {
      // ---- Arithmetic
      case "add": return x.add(a.get(1));
      case "sub": return x.sub(a.get(1));
      case "mul": return x.mul(a.get(1));
      case "div": return x.div(a.get(1));
      case "add_scalar": return x.add(f(p, "s"));
      case "sub_scalar": return x.sub(f(p, "s"));
      case "rsub_scalar": return x.rsub(f(p, "s"));
      case "mul_scalar": return x.mul(f(p, "s"));
      case "div_scalar": return x.div(f(p, "s"));
      case "neg": return x.neg();
      case "pow": return x.pow(f(p, "exponent"));
      case "square": return x.square();
      case "sqrt": return x.sqrt();
      case "exp": return x.exp();
      case "log": return x.log();
      case "abs": return x.abs();
      case "clamp": return x.clamp(f(p, "min"), f(p, "max"));
      case "maximum": return x.maximum(a.get(1));
      case "minimum": return x.minimum(a.get(1));
      case "where": return Tensor.where(x, a.get(1), a.get(2));
      case "eq": return x.eq(a.get(1));
      case "gt": return x.gt(a.get(1));
      case "lt": return x.lt(a.get(1));
      case "ge": return x.ge(a.get(1));
      case "le": return x.le(a.get(1));
      case "gt_scalar": return x.gt(f(p, "s"));
      case "lt_scalar": return x.lt(f(p, "s"));

      // ---- Activations
      case "sigmoid": return x.sigmoid();
      case "tanh": return x.tanh();
      case "relu": return x.relu();
      case "leaky_relu": return x.leakyRelu(f(p, "negative_slope"));
      case "gelu": return x.gelu(s(p, "approximate").equals("tanh"));
      case "softplus":
        return f(p, "beta") == 1f && f(p, "threshold") == 20f ? x.softplus()
            : Activations.softplus(x, f(p, "beta"), f(p, "threshold"));
      case "softmax": return x.softmax(i(p, "dim"));
      case "log_softmax": return x.logSoftmax(i(p, "dim"));

      // ---- Reductions
      case "sum": return Reduce.sum(x, intsOrNull(p.get("dims")), b(p, "keepdim"));
      case "mean": return Reduce.mean(x, intsOrNull(p.get("dims")), b(p, "keepdim"));
      case "max": return Reduce.max(x, intsOrNull(p.get("dims")), b(p, "keepdim"));
      case "min": return Reduce.min(x, intsOrNull(p.get("dims")), b(p, "keepdim"));
      case "var": return Reduce.var(x, intsOrNull(p.get("dims")), i(p, "correction"), b(p, "keepdim"));
      case "argmax":
        return p.get("dim").isNull() ? x.argmax() : x.argmax(i(p, "dim"), b(p, "keepdim"));
      case "argmin": return Reduce.argmin(x, i(p, "dim"), b(p, "keepdim"));
      case "sum_to_size": return x.sumTo(ints(p.get("shape")));

      // ---- Linear algebra
      case "matmul": return x.matmul(a.get(1));

      // ---- Views
      case "reshape": return x.reshape(ints(p.get("shape")));
      case "view": return x.view(ints(p.get("shape")));
      case "flatten": return x.flatten(i(p, "start_dim"), i(p, "end_dim"));
      case "squeeze": return p.get("dim").isNull() ? x.squeeze() : x.squeeze(i(p, "dim"));
      case "unsqueeze": return x.unsqueeze(i(p, "dim"));
      case "transpose": return x.transpose(i(p, "dim0"), i(p, "dim1"));
      case "mT": return x.mT();
      case "permute": return x.permute(ints(p.get("dims")));
      case "expand": return x.expand(ints(p.get("shape")));
      case "narrow": return x.narrow(i(p, "dim"), i(p, "start"), i(p, "length"));
      case "slice": return x.slice(i(p, "dim"), i(p, "start"), i(p, "end"), i(p, "step"));
      case "select": return x.select(i(p, "dim"), i(p, "index"));
      case "contiguous": return x.contiguous();

      // ---- Joins and indexing
      case "cat": return Tensor.cat(i(p, "dim"), a.toArray(new Tensor[0]));
      case "stack": return Tensor.stack(i(p, "dim"), a.toArray(new Tensor[0]));
      case "pad": return x.pad(ints(p.get("pad")), f(p, "value"));
      case "index_select": return x.indexSelect(i(p, "dim"), ints(p.get("index")));
      case "gather": return x.gather(i(p, "dim"), integerInput(a, specs, 1));
      case "embedding": return Indexing.embedding(x, integerInput(a, specs, 1));

      // ---- Convolution and pooling
      case "conv2d": {
        int[] st = ints(p.get("stride")), pd = ints(p.get("padding")), dl = ints(p.get("dilation"));
        Tensor bias = a.size() > 2 ? a.get(2) : null;
        if (st[0] == st[1] && pd[0] == pd[1] && dl[0] == dl[1]) {
          return Convolutions.conv2d(x, a.get(1), bias, st[0], pd[0], dl[0], i(p, "groups"));
        }
        return Convolutions.conv2d(x, a.get(1), bias, new Conv2dSpec(st[0], st[1], pd[0], pd[1], dl[0], dl[1],
            i(p, "groups")));
      }
      case "max_pool2d": {
        int k = i(p, "kernel"), st = i(p, "stride"), pd = i(p, "padding"), dl = i(p, "dilation");
        return k == st && pd == 0 && dl == 1 ? Convolutions.maxPool2d(x, k) : Convolutions.maxPool2d(x, k, st, pd, dl);
      }
      case "avg_pool2d": {
        int k = i(p, "kernel"), st = i(p, "stride"), pd = i(p, "padding");
        boolean incl = b(p, "count_include_pad");
        return k == st && pd == 0 && incl ? Convolutions.avgPool2d(x, k) : Convolutions.avgPool2d(x, k, st, pd, incl);
      }

      // ---- Losses and dropout
      case "mse_loss": return Losses.mseLoss(x, a.get(1), reduction(p));
      case "binary_cross_entropy": return Losses.binaryCrossEntropy(x, a.get(1), reduction(p));
      case "binary_cross_entropy_with_logits": return Losses.binaryCrossEntropyWithLogits(x, a.get(1), reduction(p));
      case "cross_entropy": {
        int[] targets = Indexing.toIndices("cross_entropy", integerInput(a, specs, 1));
        int ignore = i(p, "ignore_index");
        float smoothing = f(p, "label_smoothing");
        Reduction r = reduction(p);
        if (ignore == Losses.NO_IGNORE && smoothing == 0f && r == Reduction.MEAN) return Losses.crossEntropy(x, targets);
        return Losses.crossEntropy(x, targets, ignore, smoothing, r);
      }
      case "nll_loss": {
        int[] targets = Indexing.toIndices("nll_loss", integerInput(a, specs, 1));
        int ignore = i(p, "ignore_index");
        Reduction r = reduction(p);
        if (ignore == Losses.NO_IGNORE && r == Reduction.MEAN) return Losses.nllLoss(x, targets);
        return Losses.nllLoss(x, targets, ignore, r);
      }
      case "dropout": return Dropout.dropout(x, f(p, "p"), b(p, "training"), new SplittableRandom(7));

      default:
        fail("op '" + op + "' has no Backflow mapping in TorchParityTest; add one (cases are never skipped)");
        return null;
    }
  }

  // ===================================================================================================
  // Comparison



  // ===================================================================================================
  // JSON helpers

  private static Tensor integerInput(List<Tensor> a, List<JsonNode> specs, int index) {
    assertTrue(specs.get(index).get("integer").asBoolean(), "input " + index + " should hold integers");
    assertFalse(a.get(index).requiresGrad(), "an integer input cannot require grad");
    return a.get(index);
  }

  private static Reduction reduction(JsonNode p) {
    return Reduction.valueOf(s(p, "reduction").toUpperCase(java.util.Locale.ROOT));
  }

  private static float f(JsonNode p, String key) {
    return (float) need(p, key).asDouble();
  }

  private static int i(JsonNode p, String key) {
    JsonNode n = need(p, key);
    assertTrue(n.isIntegralNumber(), "param " + key + " should be an integer, got " + n);
    return n.asInt();
  }

  private static boolean b(JsonNode p, String key) {
    return need(p, key).asBoolean();
  }

  private static String s(JsonNode p, String key) {
    return need(p, key).asText();
  }

  private static JsonNode need(JsonNode p, String key) {
    JsonNode n = p.get(key);
    assertNotNull(n, "missing param " + key + " in " + p);
    return n;
  }

  private static int[] intsOrNull(JsonNode n) {
    return n == null || n.isNull() ? null : ints(n);
  }

  private static int numel(int[] shape) {
    int n = 1;
    for (int s : shape) n *= s;
    return n;
  }

  private static Float[] box(float[] v) {
    Float[] r = new Float[v.length];
    for (int k = 0; k < v.length; k++) r[k] = v[k];
    return r;
  }
}
