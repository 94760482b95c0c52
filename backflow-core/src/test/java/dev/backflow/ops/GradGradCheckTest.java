package dev.backflow.ops;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.backflow.autograd.Autograd;
import dev.backflow.autograd.GradCheck;
import dev.backflow.backend.Conv2dSpec;
import dev.backflow.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Second derivatives of every op family against finite differences of the first derivative
 * ({@link GradCheck#gradgradcheck}), on shapes drawn from seeds, with broadcasting and non-contiguous
 * operands (views made inside the checked function). The check covers the derivative in the output
 * gradient too, so a backward rule that is not differentiable in its incoming gradient fails here.
 * Linear ops (views, gathers, pooling, sums) are followed by a cube, so that the gradient flowing back
 * through their backward op depends on the input and their backward's own backward is exercised.
 */
class GradGradCheckTest {
  static final double TOL = 1e-2;
  static final int SEEDS = 3;

  static void check(String what, Function<Tensor[], Tensor> f, Tensor... inputs) {
    GradCheck.Result r = GradCheck.gradgradcheck(f, inputs);
    if (r.passes(TOL)) return;
    GradCheck.Result finer = GradCheck.gradgradcheck(f, 2e-3, inputs);
    if (!finer.passes(TOL)) fail(what + " " + shapes(inputs) + " " + r + "; with step 2e-3: " + finer);
  }

  static String shapes(Tensor... ts) {
    StringBuilder sb = new StringBuilder();
    for (Tensor t : ts) sb.append(Arrays.toString(t.shape()));
    return sb.toString();
  }

  static Tensor cube(Tensor t) {
    return t.mul(t).mul(t);
  }

  static int[] shape(SplittableRandom r) {
    return Gen.shape(r, 1 + r.nextInt(3), 2, 3);
  }

  @Test
  void arithmeticWithBroadcasting() {
    for (int seed = 0; seed < SEEDS; seed++) {
      SplittableRandom r = new SplittableRandom(seed);
      int[][] pair = Gen.broadcastPair(r);
      Tensor a = Gen.smooth(r, pair[0]), b = Gen.awayFromZero(r, pair[1]);
      check("mul", x -> x[0].mul(x[1]), a, b);
      check("div", x -> x[0].div(x[1]), a, b);
      check("add·sub", x -> x[0].add(x[1]).mul(x[0].sub(x[1])), a, b);
      Tensor[] d = Gen.distinct(r, pair[0], pair[1]);
      check("maximum", x -> x[0].maximum(x[1]).mul(x[0]), d[0], d[1]);
      check("minimum", x -> x[0].minimum(x[1]).mul(x[1]), d[0], d[1]);
      Tensor cond = Tensor.of(new float[Gen.numel(pair[0])], pair[0]).add(1f).mul(Gen.uniform(r, -1f, 1f, pair[0]).detach().gt(0f));
      check("where", x -> cube(Tensor.where(cond, x[0], x[1])), a, b);
    }
  }

  @Test
  void unaryArithmetic() {
    for (int seed = 0; seed < SEEDS; seed++) {
      SplittableRandom r = new SplittableRandom(10 + seed);
      int[] s = shape(r);
      Tensor p = Gen.positive(r, s), x = Gen.smooth(r, s), d = Gen.distinct(r, s);
      check("pow 3", t -> t[0].pow(3f), x);
      check("pow -1.5", t -> t[0].pow(-1.5f), p);
      check("sqrt", t -> t[0].sqrt(), p);
      check("exp", t -> t[0].exp(), x);
      check("log", t -> t[0].log(), p);
      check("neg·scalar ops", t -> t[0].neg().mul(3f).add(1f).rsub(2f).div(4f).square(), x);
      check("abs", t -> t[0].abs().mul(t[0]), d);
      check("clamp", t -> cube(t[0].clamp(-0.3f, 0.4f)), d);
    }
  }

  @Test
  void activations() {
    for (int seed = 0; seed < SEEDS; seed++) {
      SplittableRandom r = new SplittableRandom(20 + seed);
      int[] s = shape(r);
      Tensor x = Gen.smooth(r, s), d = Gen.distinct(r, s);
      check("sigmoid", t -> t[0].sigmoid(), x);
      check("tanh", t -> t[0].tanh(), x);
      check("relu", t -> cube(t[0].relu()), d);
      check("leakyRelu", t -> cube(t[0].leakyRelu(0.1f)), d);
      check("gelu", t -> t[0].gelu(), x);
      check("gelu tanh", t -> t[0].gelu(true), x);
      check("softplus", t -> t[0].softplus(), x);
      check("softplus beta, threshold", t -> Activations.softplus(t[0], 2f, 1f), d);
      int dim = r.nextInt(s.length);
      check("softmax dim " + dim, t -> t[0].softmax(dim), x);
      check("logSoftmax dim " + dim, t -> t[0].logSoftmax(dim), x);
      check("softmax of a transposed view", t -> t[0].reshape(2, -1).mT().softmax(-1), Gen.smooth(r, 2, 3));
    }
  }

  @Test
  void reductions() {
    for (int seed = 0; seed < SEEDS; seed++) {
      SplittableRandom r = new SplittableRandom(30 + seed);
      int[] s = shape(r);
      int[] dims = Gen.dimsSubset(r, s.length);
      Tensor x = Gen.smooth(r, s), d = Gen.distinct(r, s);
      check("sum " + Arrays.toString(dims), t -> cube(t[0].sum(dims, false)), x);
      check("mean keepDim", t -> cube(t[0].mean(dims, true)), x);
      check("var", t -> t[0].var(dims, 1, false), x);
      check("max", t -> cube(t[0].max(dims, true)), d);
      check("min", t -> cube(t[0].min()), d);
    }
  }

  @Test
  void matmulAndLinear() {
    for (int seed = 0; seed < SEEDS; seed++) {
      SplittableRandom r = new SplittableRandom(40 + seed);
      int m = 2 + r.nextInt(2), k = 2 + r.nextInt(2), n = 2 + r.nextInt(2);
      Tensor a = Gen.smooth(r, 2, m, k), b = Gen.smooth(r, k, n), bb = Gen.smooth(r, 1, k, n);
      check("matmul batched x 2-D", t -> t[0].matmul(t[1]), a, b);
      check("matmul broadcast batch", t -> t[0].matmul(t[1]).square(), a, bb);
      check("matmul 1-D", t -> t[0].matmul(t[1]).square(), Gen.smooth(r, k), Gen.smooth(r, k, n));
      check("matmul of transposed views", t -> t[0].mT().matmul(t[1].mT()).square(), Gen.smooth(r, k, m), Gen.smooth(r, n, k));
      Tensor x = Gen.smooth(r, 3, k), w = Gen.smooth(r, n, k), bias = Gen.smooth(r, n);
      check("linear", t -> Linalg.linear(t[0], t[1], t[2]).tanh(), x, w, bias);
    }
  }

  @Test
  void viewsAndJoins() {
    for (int seed = 0; seed < SEEDS; seed++) {
      SplittableRandom r = new SplittableRandom(50 + seed);
      Tensor x = Gen.smooth(r, 2, 3, 2), y = Gen.smooth(r, 2, 3, 2);
      check("transpose·permute", t -> cube(t[0].transpose(0, 2).permute(2, 0, 1).reshape(-1)), x);
      check("expand", t -> cube(t[0].narrow(0, 0, 1).expand(3, 3, 2)), x);
      check("slice with step, select", t -> cube(t[0].slice(1, 0, 3, 2).select(2, 1)), x);
      check("squeeze·unsqueeze·flatten", t -> cube(t[0].unsqueeze(1).flatten(2, 3).squeeze(1)), x);
      check("cat", t -> cube(Tensor.cat(1, t[0], t[1].mT().mT())), x, y);
      check("stack", t -> Tensor.stack(0, t[0], t[1]).mul(t[0]), x, y);
      check("pad", t -> cube(t[0].pad(1, 2)), x);
      check("contiguous of a view", t -> cube(t[0].mT().contiguous()), x);
    }
  }

  @Test
  void indexing() {
    for (int seed = 0; seed < SEEDS; seed++) {
      SplittableRandom r = new SplittableRandom(60 + seed);
      Tensor x = Gen.smooth(r, 3, 4);
      float[] idx = new float[3 * 2];
      for (int i = 0; i < idx.length; i++) idx[i] = r.nextInt(4);
      Tensor index = Tensor.of(idx, 3, 2);
      check("gather", t -> cube(t[0].gather(1, index)), x);
      check("gather of a transposed view", t -> cube(t[0].mT().gather(0, Tensor.of(new float[] {0, 2, 1, 3, 0, 2}, 2, 3))), x);
      check("indexSelect with repeats", t -> cube(t[0].indexSelect(0, 2, 0, 2)), x);
      check("embedding", t -> cube(Indexing.embedding(t[0], Tensor.of(new float[] {1, 1, 0, 2}, 2, 2))), x);
    }
  }

  @Test
  void convolutionAndPooling() {
    for (int seed = 0; seed < SEEDS; seed++) {
      SplittableRandom r = new SplittableRandom(70 + seed);
      Tensor x = Gen.smooth(r, 1, 2, 5, 4), w = Gen.smooth(r, 2, 2, 2, 2), b = Gen.smooth(r, 2);
      check("conv2d", t -> Convolutions.conv2d(t[0], t[1], t[2]).square(), x, w, b);
      check("conv2d stride 2, padding 1", t -> Convolutions.conv2d(t[0], t[1], null, 2, 1, 1, 1).square(), x, w);
      check("conv2d dilation 2, groups 2", t -> Convolutions.conv2d(t[0], t[1], null, 1, 0, 2, 2).square(),
          x, Gen.smooth(r, 2, 1, 2, 2));
      check("conv2d on a transposed input", t -> Convolutions.conv2d(t[0].transpose(2, 3), t[1], null).tanh(), x, w);
      Tensor d = Gen.distinct(r, 1, 2, 4, 4);
      check("maxPool2d", t -> cube(Convolutions.maxPool2d(t[0], 2)), d);
      check("maxPool2d stride 1, padding 1", t -> cube(Convolutions.maxPool2d(t[0], 3, 1, 1, 1)), d);
      check("avgPool2d", t -> cube(Convolutions.avgPool2d(t[0], 2)), x);
      check("avgPool2d padding, no pad count", t -> cube(Convolutions.avgPool2d(t[0], 3, 2, 1, false)), x);
    }
  }

  @Test
  void normalizationAndAttention() {
    for (int seed = 0; seed < SEEDS; seed++) {
      SplittableRandom r = new SplittableRandom(80 + seed);
      Tensor x = Gen.smooth(r, 2, 4), w = Gen.smooth(r, 4), b = Gen.smooth(r, 4);
      check("layerNorm", t -> Normalization.layerNorm(t[0], t[1], t[2], 1e-5f), x, w, b);
      check("layerNorm without affine", t -> Normalization.layerNorm(t[0], null, null, 1e-5f), x);
      check("layerNorm weight only", t -> Normalization.layerNorm(t[0].mT().mT(), t[1], null, 1e-5f), x, w);
      Tensor q = Gen.smooth(r, 1, 3, 2), k = Gen.smooth(r, 1, 3, 2), v = Gen.smooth(r, 1, 3, 2);
      boolean causal = seed % 2 == 1;
      check("scaledDotProductAttention causal=" + causal, t -> Attention.scaledDotProductAttention(t[0], t[1], t[2], causal), q, k, v);
      check("selfAttention causal=" + causal, t -> Attention.selfAttention(t[0], 2, causal), Gen.smooth(r, 1, 3, 12));
    }
  }

  @Test
  void losses() {
    for (int seed = 0; seed < SEEDS; seed++) {
      SplittableRandom r = new SplittableRandom(90 + seed);
      Tensor logits = Gen.smooth(r, 3, 4), target = Gen.smooth(r, 3, 4);
      Tensor prob = Gen.uniform(r, 0.2f, 0.8f, 3, 4), soft = Gen.uniform(r, 0f, 1f, 3, 4);
      int[] classes = {1, 3, 0};
      check("mseLoss", t -> Losses.mseLoss(t[0].tanh(), t[1]), logits, target);
      check("binaryCrossEntropy", t -> Losses.binaryCrossEntropy(t[0], t[1]), prob, soft);
      check("binaryCrossEntropyWithLogits", t -> Losses.binaryCrossEntropyWithLogits(t[0], t[1]), logits, soft);
      check("crossEntropy (fused)", t -> Losses.crossEntropy(t[0], classes), logits);
      check("crossEntropy ignore index", t -> Losses.crossEntropy(t[0], new int[] {1, -100, 2}, -100, 0f, Reduction.MEAN), logits);
      check("crossEntropy label smoothing", t -> Losses.crossEntropy(t[0], classes, -100, 0.1f, Reduction.SUM), logits);
      check("nllLoss", t -> Losses.nllLoss(t[0].logSoftmax(1), classes), logits);
      check("dropout mask", t -> cube(Dropout.dropout(t[0], 0.5f, true, new SplittableRandom(1))), logits);
    }
  }

  @Test
  void gradgradcheckCatchesARuleThatIsNotDifferentiable() {
    // tanh whose rule uses a detached output, as every rule here did before createGraph: right first
    // derivatives, silently wrong second ones. gradcheck passes it; gradgradcheck must not.
    Function<Tensor[], Tensor> detachedTanh = x -> {
      Tensor y = x[0].detach().tanh();
      return dev.backflow.autograd.Graph.record("detachedTanh", dev.backflow.autograd.Graph.array(y),
          (g, n) -> new Tensor[] {g.mul(y.mul(y).rsub(1f))}, x[0]);
    };
    Tensor x = Gen.smooth(new SplittableRandom(1), 5);
    assertTrue(GradCheck.check(detachedTanh, x).passes(TOL));
    assertFalse(GradCheck.gradgradcheck(detachedTanh, x).passes(TOL));
    assertTrue(GradCheck.gradgradcheck(t -> t[0].tanh(), x).passes(TOL));
  }

  @Test
  void gradientsOfGradientsRequireGradOnlyWithCreateGraph() {
    Tensor x = Tensor.of(0.3f, -1.2f, 2f).requiresGrad(true);
    Tensor y = x.tanh().mul(x).sum();
    Tensor[] g = Autograd.grad(new Tensor[] {y}, new Tensor[] {x}, null, true, true, false);
    assertTrue(g[0].requiresGrad());
    assertTrue(x.grad() == null, "grad() must not touch .grad");
    Tensor plain = Autograd.grad(x.tanh().mul(x).sum(), x)[0];
    assertFalse(plain.requiresGrad());
  }

  @Test
  void firstOrderOnlyKernelsFailByNameUnderCreateGraph() {
    Tensor x = Tensor.of(1f, 2f).requiresGrad(true);
    Tensor y = dev.backflow.autograd.Graph.record("firstOrderOnly", dev.backflow.autograd.Graph.array(x.detach().mul(2f)), (g, n) -> {
      dev.backflow.autograd.Graph.requireFirstOrder("firstOrderOnly");
      return new Tensor[] {g.mul(2f)};
    }, x).sum();
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
        () -> Autograd.grad(new Tensor[] {y}, new Tensor[] {x}, null, true, true, false));
    assertTrue(e.getMessage().startsWith("firstOrderOnly"), e.getMessage());
    assertTrue(Autograd.grad(y, x)[0].toArray()[0] == 2f);
  }
}
