package dev.backflow.ops;

import static dev.backflow.TorchFixtures.floats;
import static dev.backflow.TorchFixtures.ints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backflow.TorchFixtures;
import dev.backflow.autograd.Autograd;
import dev.backflow.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Second and third derivatives of every op family against {@code torch.autograd.grad(..., create_graph=True)}.
 *
 * <p>The cases live in {@code fixtures/torch_gradgrad.json}, written by {@code tools/torch_gradgrad_reference.py}
 * (regenerate with {@code /usr/bin/python3 tools/torch_gradgrad_reference.py}). For out = op(x) and the case's
 * fixed W, V_i, U_i: first g = d sum(out W)/dx (createGraph), second h = d Σ sum(g_i V_i)/dx, and for order-3
 * cases third k = d Σ sum(h_i U_i)/dx; each is compared with PyTorch's (a PyTorch None is a zero).
 *
 * <p>Tolerance: |actual - expected| &lt;= 1e-4 |expected| + 1e-4 max(1, max |expected|): a derivative of a
 * derivative in float32 is a sum of products whose rounding grows with its terms.
 */
class TorchGradGradParityTest {
  private static final String FIXTURE = "/fixtures/torch_gradgrad.json";
  private static final String GENERATOR = "tools/torch_gradgrad_reference.py";

  @TestFactory
  Stream<DynamicTest> higherDerivativesMatchPyTorch() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : TorchFixtures.load(FIXTURE, GENERATOR).get("cases")) {
      tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> runCase(c)));
    }
    return tests.stream();
  }

  @Test
  void thirdDerivativesCoverTheFamiliesAskedFor() {
    Set<String> third = new HashSet<>();
    for (JsonNode c : TorchFixtures.load(FIXTURE, GENERATOR).get("cases")) {
      if (c.get("order").asInt() == 3) third.add(c.get("op").asText());
    }
    for (String op : new String[] {"tanh", "sigmoid", "gelu", "gelu_tanh", "softmax", "log_softmax", "layer_norm"}) {
      assertTrue(third.contains(op), "no third-derivative case for " + op);
    }
  }

  private static void runCase(JsonNode c) {
    String name = c.get("name").asText();
    List<Tensor> all = new ArrayList<>();
    List<Tensor> vars = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (JsonNode in : c.get("inputs")) {
      Tensor t = Tensor.of(floats(in.get("values")), ints(in.get("shape")));
      if (in.get("requires_grad").asBoolean()) {
        t.requiresGrad(true);
        vars.add(t);
        names.add(in.get("name").asText());
      }
      all.add(t);
    }
    Tensor out = op(c).apply(all.toArray(new Tensor[0]));
    Tensor[] xs = vars.toArray(new Tensor[0]);
    Tensor w = Tensor.of(floats(c.get("w")), out.shape());
    int order = c.get("order").asInt();

    Tensor[] first = Autograd.grad(new Tensor[] {out}, xs, new Tensor[] {w}, true, true, true);
    compare(name + " first derivative", c.get("expected").get("first"), names, first, xs);
    Tensor[] second = differentiate(first, xs, c.get("v"), order == 3);
    compare(name + " second derivative", c.get("expected").get("second"), names, second, xs);
    if (order == 3) {
      Tensor[] third = differentiate(second, xs, c.get("u"), false);
      compare(name + " third derivative", c.get("expected").get("third"), names, third, xs);
    }
  }

  /** d(Σ_i sum(grads_i * weights_i))/dx; zeros when nothing depends on x. */
  private static Tensor[] differentiate(Tensor[] grads, Tensor[] xs, JsonNode weights, boolean createGraph) {
    Tensor m = null;
    for (int i = 0; i < grads.length; i++) {
      if (grads[i] == null || !grads[i].requiresGrad()) continue;
      Tensor term = grads[i].mul(Tensor.of(floats(weights.get(i)), grads[i].shape())).sum();
      m = m == null ? term : m.add(term);
    }
    if (m == null) return new Tensor[xs.length];
    return Autograd.grad(new Tensor[] {m}, xs, null, createGraph, createGraph, true);
  }

  private static void compare(String what, JsonNode expected, List<String> names, Tensor[] actual, Tensor[] xs) {
    for (int i = 0; i < names.size(); i++) {
      JsonNode want = expected.get(names.get(i));
      float[] got = actual[i] == null ? new float[xs[i].numel()] : actual[i].toArray();
      float[] exp = want == null || want.isNull() ? new float[xs[i].numel()] : floats(want);
      assertEquals(exp.length, got.length, what + " of " + names.get(i) + ": element count");
      double scale = 1;
      for (float e : exp) scale = Math.max(scale, Math.abs(e));
      for (int k = 0; k < exp.length; k++) {
        double err = Math.abs((double) got[k] - exp[k]);
        if (!(err <= 1e-4 * Math.abs(exp[k]) + 1e-4 * scale)) {
          fail(what + " of " + names.get(i) + " at flat index " + k + ": Backflow " + got[k] + ", PyTorch " + exp[k]);
        }
      }
    }
  }

  private static Tensor cube(Tensor t) {
    return t.mul(t).mul(t);
  }

  private static int[] targets(JsonNode c) {
    return ints(c.get("params").get("targets"));
  }

  private static Function<Tensor[], Tensor> op(JsonNode c) {
    JsonNode p = c.get("params");
    switch (c.get("op").asText()) {
      case "mul": return x -> x[0].mul(x[1]);
      case "div": return x -> x[0].div(x[1]);
      case "pow": return x -> x[0].pow((float) p.get("exponent").asDouble());
      case "sqrt": return x -> x[0].sqrt();
      case "exp": return x -> x[0].exp();
      case "log": return x -> x[0].log();
      case "maximum_times_a": return x -> x[0].maximum(x[1]).mul(x[0]);
      case "where_cube": return x -> cube(Tensor.where(x[0], x[1], x[2]));
      case "sigmoid": return x -> x[0].sigmoid();
      case "tanh": return x -> x[0].tanh();
      case "relu_cube": return x -> cube(x[0].relu());
      case "leaky_relu_cube": return x -> cube(x[0].leakyRelu((float) p.get("slope").asDouble()));
      case "gelu": return x -> x[0].gelu();
      case "gelu_tanh": return x -> x[0].gelu(true);
      case "softplus": return x -> x[0].softplus();
      case "softmax": return x -> x[0].softmax(p.get("dim").asInt());
      case "log_softmax": return x -> x[0].logSoftmax(p.get("dim").asInt());
      case "sum_cube": return x -> cube(x[0].sum(1));
      case "mean_cube": return x -> cube(x[0].mean(new int[] {0}, true));
      case "var": return x -> x[0].var(1);
      case "max_cube": return x -> cube(x[0].max(new int[] {1}, true));
      case "matmul": return x -> x[0].matmul(x[1]);
      case "matmul_tanh": return x -> x[0].matmul(x[1]).tanh();
      case "linear_tanh": return x -> Linalg.linear(x[0], x[1], x[2]).tanh();
      case "views_cube": return x -> cube(x[0].transpose(0, 2).permute(2, 0, 1).reshape(-1).slice(0, 1, 7, 2));
      case "cat_cube": return x -> cube(Tensor.cat(1, x[0], x[1].mT()));
      case "pad_cube": return x -> cube(x[0].pad(1, 2));
      case "gather_cube": return x -> cube(x[0].gather(1, x[1]));
      case "index_select_cube": return x -> cube(x[0].indexSelect(0, 2, 0, 2));
      case "embedding_cube": return x -> cube(Indexing.embedding(x[0], Tensor.of(new float[] {1, 1, 0, 2}, 2, 2)));
      case "conv2d": return x -> {
        Tensor y = Convolutions.conv2d(x[0], x[1], x.length > 2 ? x[2] : null, p.path("stride").asInt(1),
            p.path("padding").asInt(0), p.path("dilation").asInt(1), p.path("groups").asInt(1));
        return x.length > 2 ? y.square() : y.tanh();
      };
      case "max_pool2d_cube": return x -> cube(Convolutions.maxPool2d(x[0], 2));
      case "avg_pool2d_cube": return x -> cube(Convolutions.avgPool2d(x[0], 3, 2, 1, false));
      case "layer_norm": return x -> Normalization.layerNorm(x[0], x[1], x[2], 1e-5f);
      case "scaled_dot_product_attention":
        return x -> Attention.scaledDotProductAttention(x[0], x[1], x[2], p.get("causal").asBoolean());
      case "self_attention": return x -> Attention.selfAttention(x[0], p.get("heads").asInt(), p.get("causal").asBoolean());
      case "cross_entropy": return x -> Losses.crossEntropy(x[0], targets(c));
      case "cross_entropy_smoothing":
        return x -> Losses.crossEntropy(x[0], targets(c), Losses.NO_IGNORE, (float) p.get("label_smoothing").asDouble(), Reduction.SUM);
      case "nll_loss": return x -> Losses.nllLoss(x[0].logSoftmax(1), targets(c));
      case "mse_loss": return x -> Losses.mseLoss(x[0].tanh(), x[1]);
      case "binary_cross_entropy": return x -> Losses.binaryCrossEntropy(x[0], x[1]);
      case "binary_cross_entropy_with_logits": return x -> Losses.binaryCrossEntropyWithLogits(x[0], x[1]);
      default: throw new AssertionError("no Backflow mapping for op " + c.get("op").asText());
    }
  }
}
