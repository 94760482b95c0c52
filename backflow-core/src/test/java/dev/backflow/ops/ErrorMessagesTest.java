package dev.backflow.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backflow.autograd.Autograd;
import dev.backflow.autograd.Node;
import dev.backflow.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BinaryOperator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Mistakes are reported in the user's terms: the op, the shapes, the dim and the rank; and a failed op
 * changes nothing it was given.
 */
class ErrorMessagesTest {

  private static String message(Class<? extends Throwable> type, Executable e) {
    return assertThrows(type, e).getMessage();
  }

  private static void assertContains(String message, String... parts) {
    for (String p : parts) assertTrue(message.contains(p), "expected \"" + p + "\" in: " + message);
  }

  @Nested
  class ShapeMismatches {
    @Test
    void everyBinaryOpNamesItselfAndBothShapesOnAMismatch() {
      Map<String, BinaryOperator<Tensor>> ops = new LinkedHashMap<>();
      ops.put("add", Tensor::add);
      ops.put("sub", Tensor::sub);
      ops.put("mul", Tensor::mul);
      ops.put("div", Tensor::div);
      ops.put("maximum", Tensor::maximum);
      ops.put("minimum", Tensor::minimum);
      ops.put("where", (a, b) -> Tensor.where(Tensor.ones(2, 3), a, b));
      ops.put("gt", Tensor::gt);
      Tensor a = Tensor.zeros(2, 3).requiresGrad(true), b = Tensor.zeros(4, 3);
      for (Map.Entry<String, BinaryOperator<Tensor>> op : ops.entrySet()) {
        String m = message(IllegalArgumentException.class, () -> op.getValue().apply(a, b));
        assertTrue(m.startsWith(op.getKey() + ": "), "should start with the op name " + op.getKey() + ": " + m);
        assertContains(m, "[2, 3]", "[4, 3]");
      }
    }

    @Test
    void whereNamesTheConditionShapeWhenOnlyTheConditionClashes() {
      String m = message(IllegalArgumentException.class,
          () -> Tensor.where(Tensor.ones(5), Tensor.zeros(2, 3), Tensor.zeros(2, 3)));
      assertTrue(m.startsWith("where: "), m);
      assertContains(m, "[5]", "[2, 3]");
    }

    @Test
    void matmulSaysWhichInnerDimsDoNotLineUp() {
      assertEquals("matmul: shapes [32, 784] and [128, 10] do not line up (784 ≠ 128)",
          message(IllegalArgumentException.class, () -> Tensor.zeros(32, 784).matmul(Tensor.zeros(128, 10))));
      assertEquals("matmul: shapes [3] and [4] do not line up (3 ≠ 4)",
          message(IllegalArgumentException.class, () -> Tensor.zeros(3).matmul(Tensor.zeros(4))));
      assertEquals("matmul: shapes [2, 5, 3] and [4] do not line up (3 ≠ 4)",
          message(IllegalArgumentException.class, () -> Tensor.zeros(2, 5, 3).matmul(Tensor.zeros(4))));
      String batch = message(IllegalArgumentException.class, () -> Tensor.zeros(2, 3, 4).matmul(Tensor.zeros(3, 4, 5)));
      assertContains(batch, "matmul", "batch", "[2, 3, 4]", "[3, 4, 5]");
      assertContains(message(IllegalArgumentException.class, () -> Tensor.scalar(1f).matmul(Tensor.zeros(2))),
          "matmul", "[]", "[2]");
    }

    @Test
    void reshapeAndViewNameBothElementCounts() {
      Tensor x = Tensor.zeros(3, 4);
      String m = message(IllegalArgumentException.class, () -> x.reshape(5, 2));
      assertTrue(m.startsWith("reshape: "), m);
      assertContains(m, "[5, 2]", "10", "[3, 4]", "12");
      assertContains(message(IllegalArgumentException.class, () -> x.view(5, -1)), "view", "[5, -1]", "12");
      assertContains(message(IllegalArgumentException.class, () -> x.reshape(-1, -1)), "reshape", "only one", "-1");
      assertContains(message(IllegalArgumentException.class, () -> x.reshape(-2, -6)), "reshape", "-2");
    }

    @Test
    void negativeSizesInFactoriesNameTheFactoryTheSizeAndTheShape() {
      Map<String, Executable> factories = new LinkedHashMap<>();
      factories.put("zeros", () -> Tensor.zeros(2, -1));
      factories.put("ones", () -> Tensor.ones(2, -1));
      factories.put("full", () -> Tensor.full(3f, 2, -1));
      factories.put("randn", () -> Tensor.randn(1, 2, -1));
      factories.put("rand", () -> Tensor.rand(1, 2, -1));
      factories.put("of", () -> Tensor.of(new float[0], 2, -1));
      for (Map.Entry<String, Executable> f : factories.entrySet()) {
        String m = message(IllegalArgumentException.class, f.getValue());
        assertTrue(m.startsWith(f.getKey() + ": "), "should name " + f.getKey() + ": " + m);
        assertContains(m, "negative", "-1", "[2, -1]");
      }
      assertContains(message(IllegalArgumentException.class, () -> Tensor.eye(-3)), "eye", "-3");
    }

    @Test
    void expandAndCatAndStackNameTheShapesThatClash() {
      assertContains(message(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).expand(4, 3)),
          "expand", "[2, 3]", "[4, 3]");
      assertContains(message(IllegalArgumentException.class, () -> Tensor.cat(0, Tensor.zeros(2, 3), Tensor.zeros(2, 4))),
          "cat", "[2, 4]", "[2, 3]", "tensor 1");
      assertContains(message(IllegalArgumentException.class, () -> Tensor.stack(0, Tensor.zeros(2), Tensor.zeros(3))),
          "stack", "[2]", "[3]");
    }
  }

  @Nested
  class DimsAndIndices {
    @Test
    void aDimBeyondTheRankNamesTheDimAndTheRank() {
      Tensor x = Tensor.zeros(2, 3);
      assertEquals("sum: dimension 5 is out of range for a tensor of 2 dimensions (expected -2 to 1)",
          message(IllegalArgumentException.class, () -> x.sum(5)));
      assertEquals("transpose: dimension -3 is out of range for a tensor of 2 dimensions (expected -2 to 1)",
          message(IllegalArgumentException.class, () -> x.transpose(0, -3)));
      assertEquals("unsqueeze: dimension 9 is out of range for a result of 3 dimensions (expected -3 to 2)",
          message(IllegalArgumentException.class, () -> x.unsqueeze(9)));
      assertEquals("sum: dimension 1 is out of range for a tensor of 1 dimension (expected -1 to 0)",
          message(IllegalArgumentException.class, () -> Tensor.zeros(4).sum(1)));
    }

    @Test
    void everyDimTakingOpNamesItselfWhenTheDimIsOutOfRange() {
      Tensor x = Tensor.zeros(2, 3);
      Map<String, Executable> ops = new LinkedHashMap<>();
      ops.put("mean", () -> x.mean(2));
      ops.put("max", () -> x.max(-3));
      ops.put("min", () -> x.min(2));
      ops.put("var", () -> x.var(2));
      ops.put("argmax", () -> x.argmax(2));
      ops.put("softmax", () -> x.softmax(2));
      ops.put("logSoftmax", () -> x.logSoftmax(-3));
      ops.put("squeeze", () -> x.squeeze(2));
      ops.put("flatten", () -> x.flatten(0, 2));
      ops.put("permute", () -> x.permute(0, 2));
      ops.put("slice", () -> x.slice(2, 0, 1, 1));
      ops.put("select", () -> x.select(-3, 0));
      ops.put("cat", () -> Tensor.cat(2, x, x));
      ops.put("stack", () -> Tensor.stack(3, x, x));
      ops.put("indexSelect", () -> x.indexSelect(2, 0));
      ops.put("gather", () -> x.gather(2, Tensor.zeros(2, 3)));
      for (Map.Entry<String, Executable> op : ops.entrySet()) {
        String m = message(IllegalArgumentException.class, op.getValue());
        assertTrue(m.startsWith(op.getKey() + ": "), "should name " + op.getKey() + ": " + m);
        assertContains(m, "dimension");
        assertTrue(m.contains("2 dimensions") || m.contains("3 dimensions"), "should name the rank: " + m);
      }
    }

    @Test
    void repeatedDimsAreNamed() {
      assertContains(message(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).sum(new int[] {1, -1}, false)),
          "sum", "appears twice");
      assertContains(message(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).permute(1, 1)), "permute", "repeats");
    }

    @Test
    void indicesOutOfRangeNameTheIndexAndTheSize() {
      Tensor x = Tensor.zeros(2, 3);
      assertContains(message(IndexOutOfBoundsException.class, () -> x.select(1, 3)), "select", "index 3", "size 3");
      assertContains(message(IndexOutOfBoundsException.class, () -> x.get(0, 5)), "get", "index 5", "size 3");
      assertContains(message(IllegalArgumentException.class, () -> x.indexSelect(0, 0, 2)), "indexSelect", "2", "size 2");
      assertContains(message(IllegalArgumentException.class, () -> x.indexSelect(0, Tensor.of(0.5f))),
          "indexSelect", "0.5", "not an integer");
    }

    @Test
    void gatherNamesAnIndexOutOfRange() {
      Tensor x = Tensor.zeros(2, 3);
      String m = message(IllegalArgumentException.class, () -> x.gather(1, Tensor.of(new float[] {0, 5}, 2, 1)));
      assertTrue(m.startsWith("gather: "), m);
      assertContains(m, "index 5", "dimension 1", "size 3");
      assertContains(message(IllegalArgumentException.class, () -> x.gather(1, Tensor.of(new float[] {0, -1}, 2, 1))),
          "gather", "-1");
      assertContains(message(IllegalArgumentException.class, () -> x.gather(1, Tensor.of(new float[] {0, 1.5f}, 2, 1))),
          "gather", "1.5", "not an integer");
      assertContains(message(IllegalArgumentException.class, () -> x.gather(1, Tensor.zeros(2))), "gather", "[2]", "[2, 3]");
    }

    @Test
    void embeddingNamesATokenOutOfRange() {
      assertContains(message(IllegalArgumentException.class,
          () -> Indexing.embedding(Tensor.zeros(4, 2), Tensor.of(1f, 4f))), "embedding", "index 4", "4 embeddings");
    }
  }

  @Nested
  class LossTargets {
    @Test
    void crossEntropyNamesATargetOutOfRangeAndItsPosition() {
      Tensor logits = Tensor.zeros(2, 3);
      assertEquals("crossEntropy: target 3 at position 1 is out of range for 3 classes (expected 0 to 2)",
          message(IllegalArgumentException.class, () -> Losses.crossEntropy(logits, new int[] {0, 3})));
      assertContains(message(IllegalArgumentException.class, () -> Losses.crossEntropy(logits, new int[] {-1, 0})),
          "crossEntropy", "target -1", "position 0");
      assertContains(message(IllegalArgumentException.class, () -> Losses.crossEntropy(logits, new int[] {0, 1, 2})),
          "crossEntropy", "3 targets", "[2, 3]");
      assertContains(message(IllegalArgumentException.class, () -> Losses.crossEntropy(Tensor.zeros(3), new int[] {0})),
          "crossEntropy", "[3]");
      assertContains(message(IllegalArgumentException.class, () -> Losses.nllLoss(logits, new int[] {0, 7})),
          "nllLoss", "target 7", "3 classes");
    }

    @Test
    void lossesNameMismatchedInputAndTargetShapes() {
      assertContains(message(IllegalArgumentException.class, () -> Losses.mseLoss(Tensor.zeros(2, 3), Tensor.zeros(3, 2))),
          "mseLoss", "[2, 3]", "[3, 2]");
      assertContains(message(IllegalArgumentException.class,
          () -> Losses.binaryCrossEntropy(Tensor.full(0.5f, 2), Tensor.zeros(3))), "binaryCrossEntropy", "[2]", "[3]");
      assertContains(message(IllegalArgumentException.class,
          () -> Losses.binaryCrossEntropy(Tensor.of(0.5f, 1.5f), Tensor.zeros(2))), "binaryCrossEntropy", "[0, 1]");
    }
  }

  @Nested
  class ConvolutionArguments {
    @Test
    void conv2dNamesAChannelMismatch() {
      String m = message(IllegalArgumentException.class,
          () -> Convolutions.conv2d(Tensor.zeros(1, 3, 5, 5), Tensor.zeros(4, 2, 3, 3), null));
      assertTrue(m.startsWith("conv2d: "), m);
      assertEquals("conv2d: input [1, 3, 5, 5] has 3 channels (dim 1) but weight [4, 2, 3, 3] expects 2; a Conv2d's "
          + "inChannels must equal the input's dim 1 (Conv2d(3, 4, ...) for this input)", m);
      // the newcomer's case: a 1-channel layer fed RGB said "expects 1 x 1 groups = 1"
      assertEquals("conv2d: input [8, 3, 28, 28] has 3 channels (dim 1) but weight [16, 1, 3, 3] expects 1; a Conv2d's "
          + "inChannels must equal the input's dim 1 (Conv2d(3, 16, ...) for this input)",
          message(IllegalArgumentException.class, () -> Convolutions.conv2d(Tensor.zeros(8, 3, 28, 28), Tensor.zeros(16, 1, 3, 3), null)));
      assertContains(message(IllegalArgumentException.class,
          () -> Convolutions.conv2d(Tensor.zeros(2, 6, 6, 3), Tensor.zeros(8, 3, 3, 3), null)),
          "has 6 channels", "expects 3", "channels-last", "[N, C, H, W]", "permute(0, 3, 1, 2)");
      assertContains(message(IllegalArgumentException.class,
          () -> Convolutions.conv2d(Tensor.zeros(1, 6, 5, 5), Tensor.zeros(4, 2, 3, 3), null, 1, 0, 1, 2)),
          "has 6 channels", "expects 4 (2 per group x 2 groups)");
      assertEquals("conv2d: weight [3, 2, 3, 3] has 3 output channels, which 2 groups cannot split evenly; use a number of "
          + "output channels divisible by 2",
          message(IllegalArgumentException.class,
              () -> Convolutions.conv2d(Tensor.zeros(1, 4, 5, 5), Tensor.zeros(3, 2, 3, 3), null, 1, 0, 1, 2)));
    }

    @Test
    void conv2dNamesOtherMistakes() {
      assertContains(message(IllegalArgumentException.class,
          () -> Convolutions.conv2d(Tensor.zeros(3, 5, 5), Tensor.zeros(4, 3, 3, 3), null)), "conv2d", "input", "[3, 5, 5]");
      assertContains(message(IllegalArgumentException.class,
          () -> Convolutions.conv2d(Tensor.zeros(1, 3, 2, 2), Tensor.zeros(4, 3, 3, 3), null)), "conv2d", "kernel 3x3");
      assertContains(message(IllegalArgumentException.class,
          () -> Convolutions.conv2d(Tensor.zeros(1, 3, 5, 5), Tensor.zeros(4, 3, 3, 3), Tensor.zeros(3))),
          "conv2d", "bias", "[4]", "[3]");
      assertContains(message(IllegalArgumentException.class,
          () -> Convolutions.conv2d(Tensor.zeros(1, 3, 5, 5), Tensor.zeros(4, 3, 3, 3), null, 0, 0, 1, 1)),
          "conv2d", "stride", "0");
      assertContains(message(IllegalArgumentException.class,
          () -> Convolutions.conv2d(Tensor.zeros(1, 3, 2, 2), Tensor.zeros(4, 3, 3, 3), null, 2, 0, 1, 1)),
          "conv2d", "kernel 3x3");
      assertContains(message(IllegalArgumentException.class, () -> Convolutions.maxPool2d(Tensor.zeros(1, 1, 2, 2), 3)),
          "maxPool2d", "kernel", "3", "[1, 1, 2, 2]");
      assertContains(message(IllegalArgumentException.class, () -> Convolutions.avgPool2d(Tensor.zeros(1, 1, 4, 4), 2, 1, 2,
          true)), "avgPool2d", "padding 2");
    }
  }

  @Nested
  class FailedOpsChangeNothing {
    private Tensor x;
    private float[] values;
    private float[] grad;

    private void givenATensorWithAGradient() {
      x = Tensor.of(new float[] {1, -2, 3, 4, 0.5f, 6}, 2, 3).requiresGrad(true);
      x.mul(x).sum().backward();
      values = x.toArray();
      grad = x.grad().toArray();
    }

    private void assertUnchanged(String what) {
      assertArrayEquals(values, x.toArray(), what + " changed the values");
      assertArrayEquals(grad, x.grad().toArray(), what + " changed the gradient");
      assertTrue(x.requiresGrad(), what);
      assertNull(x.gradFn(), what);
    }

    @Test
    void anOpThatThrowsLeavesItsInputsValuesAndGradientsUnchanged() {
      givenATensorWithAGradient();
      Tensor other = Tensor.of(new float[] {1, 2, 3, 4}, 4).requiresGrad(true);
      Map<String, Executable> failing = new LinkedHashMap<>();
      failing.put("add", () -> x.add(other));
      failing.put("div", () -> x.div(other));
      failing.put("maximum", () -> x.maximum(other));
      failing.put("where", () -> Tensor.where(Tensor.ones(4), x, x));
      failing.put("matmul", () -> x.matmul(other));
      failing.put("reshape", () -> x.reshape(4, 2));
      failing.put("view", () -> x.mT().view(6));
      failing.put("sum", () -> x.sum(3));
      failing.put("gather", () -> x.gather(1, Tensor.of(new float[] {0, 9}, 2, 1)));
      failing.put("indexSelect", () -> x.indexSelect(1, 0, 3));
      failing.put("cat", () -> Tensor.cat(0, x, other));
      failing.put("crossEntropy", () -> Losses.crossEntropy(x, new int[] {0, 5}));
      failing.put("conv2d", () -> Convolutions.conv2d(x.reshape(1, 1, 2, 3), Tensor.zeros(1, 2, 1, 1), null));
      failing.put("add_ (refused on a leaf)", () -> x.add_(Tensor.ones(2, 3)));
      for (Map.Entry<String, Executable> op : failing.entrySet()) {
        assertThrows(RuntimeException.class, op.getValue(), op.getKey());
        assertUnchanged(op.getKey());
      }
      assertNull(other.grad());
      assertArrayEquals(new float[] {1, 2, 3, 4}, other.toArray());
    }

    @Test
    void aFailedInPlaceOpLeavesTheTargetUnchanged() {
      givenATensorWithAGradient();
      try (var g = Autograd.noGrad()) {
        for (Executable op : List.<Executable>of(() -> x.add_(Tensor.ones(2, 2)), () -> x.mul_(Tensor.ones(3, 2, 3)),
            () -> x.copy_(Tensor.ones(2)), () -> x.sub_(Tensor.ones(4)))) {
          String m = message(IllegalArgumentException.class, op);
          assertContains(m, "[2, 3]");
          assertUnchanged(m);
        }
      }
    }

    @Test
    void aRefusedBackwardLeavesGradientsAndTheGraphIntact() {
      givenATensorWithAGradient();
      Tensor y = x.mul(2f);
      assertThrows(IllegalArgumentException.class, () -> y.backward(Tensor.ones(3, 2)));
      assertThrows(IllegalArgumentException.class, y::backward);
      assertUnchanged("backward with a bad seed");
      Node node = y.gradFn();
      assertSame(node, y.gradFn());
      y.backward(Tensor.ones(2, 3)); // the graph was not freed by the refused calls
      float[] expected = grad.clone();
      for (int i = 0; i < expected.length; i++) expected[i] += 2f;
      assertArrayEquals(expected, x.grad().toArray());
    }

    @Test
    void randomFailingOpsNeverTouchTheirInputs() {
      // a few hundred random (op, bad argument) pairs
      SplittableRandom r = new SplittableRandom(99);
      givenATensorWithAGradient();
      for (int trial = 0; trial < 200; trial++) {
        int[] bad = {2 + r.nextInt(3), 4 + r.nextInt(2)};
        Tensor o = Tensor.ones(bad).requiresGrad(r.nextBoolean());
        Executable e;
        switch (r.nextInt(5)) {
          case 0: e = () -> x.add(o); break;
          case 1: e = () -> x.mul(o).sum().backward(); break;
          case 2: e = () -> o.matmul(x); break;
          case 3: e = () -> x.sub(o.mT()); break;
          default: e = () -> Tensor.where(o.gt(0f), x, o);
        }
        assertThrows(IllegalArgumentException.class, e, Arrays.toString(bad));
        assertUnchanged("trial " + trial);
        assertNull(o.grad());
      }
    }
  }
}
