package dev.backflow.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backflow.autograd.GradCheck;
import dev.backflow.backend.Backends;
import dev.backflow.nn.Embedding;
import dev.backflow.nn.F;
import dev.backflow.ops.Losses;
import dev.backflow.ops.Reduction;
import dev.backflow.train.CapturedStep;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * INT64 tensors hold labels and indices as integers: they are created, viewed, joined and printed as such,
 * index readers take them with results identical to float indices, other ops promote them to float32, and
 * the float-only operations refuse them by name.
 */
class IntegerDTypeTest {
  private static final long BIG = (1L << 40) + 1; // not representable in float32: proves integer storage

  private static void assertBitwiseEqual(Tensor expected, Tensor actual, String what) {
    assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
    float[] e = expected.toArray(), a = actual.toArray();
    for (int i = 0; i < e.length; i++) {
      assertEquals(Float.floatToRawIntBits(e[i]), Float.floatToRawIntBits(a[i]), what + " element " + i + ": " + e[i] + " vs " + a[i]);
    }
  }

  @Nested
  class Creation {
    @Test
    void labelsAndOfLongsAreInt64WithExactValues() {
      Tensor y = Tensor.labels(3, 0, 2);
      assertEquals(DType.INT64, y.dtype());
      assertArrayEquals(new int[] {3}, y.shape());
      assertArrayEquals(new long[] {3, 0, 2}, y.toLongArray());
      Tensor big = Tensor.ofLongs(new long[] {BIG, -BIG, 7, 8}, 2, 2);
      assertEquals(DType.INT64, big.dtype());
      assertArrayEquals(new long[] {BIG, -BIG, 7, 8}, big.toLongArray());
      assertEquals(-BIG, Tensor.ofLongs(new long[] {-BIG}).longValue());
      assertArrayEquals(new int[0], Tensor.ofLongs(new long[] {-BIG}).shape(), "no shape: 0-d, as Tensor.of(data, shape...)");
      assertEquals(2f, y.get(2));
      assertEquals(7f, big.get(1, 0));
      assertEquals(DType.FLOAT32, Tensor.of(1f, 2f).dtype());
    }

    @Test
    void ofLongsRefusesAWrongCountByName() {
      var e = assertThrows(IllegalArgumentException.class, () -> Tensor.ofLongs(new long[] {1, 2, 3}, 2, 2));
      assertTrue(e.getMessage().startsWith("ofLongs: 3 values cannot fill shape [2, 2]"), e.getMessage());
    }

    @Test
    void conversionsTruncateTowardZeroAndWidenExactly() {
      Tensor f = Tensor.of(-1.7f, -0.2f, 0.9f, 2.5f);
      Tensor l = f.toLong();
      assertEquals(DType.INT64, l.dtype());
      assertArrayEquals(new long[] {-1, 0, 0, 2}, l.toLongArray());
      Tensor back = Tensor.labels(-3, 0, 16777216).toFloat();
      assertEquals(DType.FLOAT32, back.dtype());
      assertArrayEquals(new float[] {-3, 0, 16777216}, back.toArray(), 0f);
      Tensor same = Tensor.labels(1);
      assertTrue(same.to(DType.INT64) == same, "to(its own dtype) is the tensor itself");
      var e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(1f, Float.NaN).toLong());
      assertTrue(e.getMessage().contains("NaN has no integer value"), e.getMessage());
      var e2 = assertThrows(IllegalArgumentException.class, () -> Tensor.labels(1).to(DType.FLOAT64));
      assertTrue(e2.getMessage().contains("FLOAT64 has no storage"), e2.getMessage());
    }

    @Test
    void printsAsPlainIntegers() {
      assertEquals("tensor([ 3,  0, 12], shape=[3], dtype=int64)", Tensor.labels(3, 0, 12).toString());
      assertEquals("tensor([[1, 2],\n        [3, 4]], shape=[2, 2], dtype=int64)",
          Tensor.ofLongs(new long[] {1, 2, 3, 4}, 2, 2).toString());
      assertEquals("tensor(" + BIG + ", shape=[], dtype=int64)", Tensor.ofLongs(new long[] {BIG}).toString());
    }
  }

  @Nested
  class Refusals {
    @Test
    void anIntegerTensorNeverRequiresGrad() {
      Tensor y = Tensor.labels(1, 2);
      var e = assertThrows(IllegalStateException.class, () -> y.requiresGrad(true));
      assertTrue(e.getMessage().contains("only floating point tensors can require gradients"), e.getMessage());
      assertTrue(e.getMessage().contains("INT64") && e.getMessage().contains("toFloat()"), e.getMessage());
      assertFalse(y.requiresGrad());
      y.requiresGrad(false); // harmless
      assertTrue(y.toFloat().requiresGrad(true).requiresGrad());
    }

    @Test
    void inPlaceArithmeticOnAnIntegerTensorIsRefusedWithTheFix() {
      Tensor y = Tensor.labels(1, 2);
      var e = assertThrows(IllegalStateException.class, () -> y.add_(Tensor.of(0.5f, 0.5f)));
      assertTrue(e.getMessage().startsWith("add_: this tensor is INT64"), e.getMessage());
      assertTrue(e.getMessage().contains("add(...)") && e.getMessage().contains("toFloat()"), e.getMessage());
      assertThrows(IllegalStateException.class, () -> y.mul_(2f));
      assertArrayEquals(new long[] {1, 2}, y.toLongArray(), "a refused update leaves the values");
    }

    @Test
    void copyAndFillIntoAnIntegerTensorTruncateAsPyTorch() {
      Tensor y = Tensor.labels(1, 2, 3);
      y.copy_(Tensor.of(4.9f, -5.9f, 6f));
      assertArrayEquals(new long[] {4, -5, 6}, y.toLongArray());
      y.fill_(7.5f);
      assertArrayEquals(new long[] {7, 7, 7}, y.toLongArray());
      Tensor f = Tensor.zeros(3);
      f.copy_(Tensor.labels(1, 2, 3));
      assertArrayEquals(new float[] {1, 2, 3}, f.toArray(), 0f);
      f.add_(Tensor.labels(1, 1, 1));
      assertArrayEquals(new float[] {2, 3, 4}, f.toArray(), 0f);
    }
  }

  @Nested
  class ShapeOps {
    @Test
    void viewsKeepTheDtypeAndTheExactValues() {
      Tensor t = Tensor.ofLongs(new long[] {BIG, 1, 2, 3, 4, 5}, 2, 3);
      assertView(new long[] {BIG, 1, 2, 3, 4, 5}, t.reshape(6));
      assertView(new long[] {BIG, 1, 2, 3, 4, 5}, t.view(3, 2));
      assertView(new long[] {BIG, 3, 1, 4, 2, 5}, t.transpose(0, 1).contiguous());
      assertView(new long[] {BIG, 3, 1, 4, 2, 5}, t.mT().reshape(6)); // non-contiguous: reshape copies
      assertView(new long[] {1, 4}, t.select(1, 1));
      assertView(new long[] {BIG, 2, 3, 5}, t.slice(1, 0, 3, 2));
      assertView(new long[] {BIG, 1, 2, 3, 4, 5}, t.unsqueeze(0).squeeze(0).flatten());
      assertView(new long[] {BIG, 3, 1, 4, 2, 5}, t.permute(1, 0).contiguous());
      assertView(new long[] {3, 4, 5, 3, 4, 5}, t.narrow(0, 1, 1).expand(2, 3).contiguous());
      assertView(new long[] {BIG, 1, 2, 3, 4, 5}, t.detach());
    }

    private void assertView(long[] expected, Tensor v) {
      assertEquals(DType.INT64, v.dtype(), v.toString());
      assertArrayEquals(expected, v.toLongArray(), v.toString());
    }

    @Test
    void catAndStackKeepInt64AndPromoteWithAFloatPiece() {
      Tensor a = Tensor.labels(1, 2), b = Tensor.ofLongs(new long[] {BIG}, 1);
      Tensor c = Tensor.cat(0, a, b);
      assertEquals(DType.INT64, c.dtype());
      assertArrayEquals(new long[] {1, 2, BIG}, c.toLongArray());
      Tensor s = Tensor.stack(0, a, Tensor.labels(3, 4));
      assertEquals(DType.INT64, s.dtype());
      assertArrayEquals(new long[] {1, 2, 3, 4}, s.toLongArray());
      Tensor mixed = Tensor.cat(0, a, Tensor.of(0.5f));
      assertEquals(DType.FLOAT32, mixed.dtype());
      assertArrayEquals(new float[] {1, 2, 0.5f}, mixed.toArray(), 0f);
    }
  }

  @Nested
  class Promotion {
    @Test
    void arithmeticWithAnIntegerTensorIsFloat() {
      Tensor y = Tensor.labels(1, 2, 3);
      Tensor sum = y.add(Tensor.of(0.5f, 0.5f, 0.5f));
      assertEquals(DType.FLOAT32, sum.dtype());
      assertArrayEquals(new float[] {1.5f, 2.5f, 3.5f}, sum.toArray(), 0f);
      assertArrayEquals(new float[] {2, 4, 6}, y.mul(2f).toArray(), 0f);
      assertEquals(6f, y.sum().item());
      assertEquals(2f, y.mean().item());
      Tensor w = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2).requiresGrad(true);
      Tensor out = Tensor.ofLongs(new long[] {1, 0, 1}, 1, 3).matmul(w);
      assertArrayEquals(new float[] {6, 8}, out.toArray(), 0f);
      out.sum().backward();
      assertArrayEquals(new float[] {1, 1, 0, 0, 1, 1}, w.grad().toArray(), 0f, "gradient flows to the float side");
    }

    @Test
    void eqComparesIntegersWithFloatsByValue() {
      Tensor y = Tensor.labels(1, 2, 3);
      assertArrayEquals(new float[] {1, 0, 1}, y.eq(Tensor.of(1f, 0f, 3f)).toArray(), 0f);
      assertArrayEquals(new float[] {1, 0, 1}, Tensor.of(1f, 0f, 3f).eq(y).toArray(), 0f);
      assertArrayEquals(new float[] {0, 1, 0}, y.eq(2f).toArray(), 0f);
    }

    @Test
    void argmaxAndArgminAreInt64AndCountCorrectPredictions() {
      Tensor logits = Tensor.of(new float[][] {{0.1f, 2f, -1f}, {3f, 0f, 0f}, {0f, 0f, 5f}, {1f, 4f, 0f}});
      Tensor pred = logits.argmax(1);
      assertEquals(DType.INT64, pred.dtype());
      assertArrayEquals(new long[] {1, 0, 2, 1}, pred.toLongArray());
      assertEquals(DType.INT64, logits.argmax().dtype());
      assertEquals(8L, logits.argmax().longValue());
      assertArrayEquals(new int[] {4, 1}, logits.argmax(1, true).shape());
      assertEquals(DType.INT64, logits.argmax(1, true).dtype());
      assertArrayEquals(new long[] {2, 1, 0, 2}, logits.argmin(1).toLongArray());
      assertEquals(DType.INT64, Tensor.scalar(3f).argmax(0).dtype());
      // the accuracy count every trainer writes, with integer and with float labels
      assertEquals(3L, (long) pred.eq(Tensor.labels(1, 0, 0, 1)).sum().item());
      assertEquals(3L, (long) pred.eq(Tensor.of(1f, 0f, 0f, 1f)).sum().item());
    }
  }

  @Nested
  class IndexReaders {
    private final SplittableRandom rng = new SplittableRandom(14);

    /** Runs {@code op} on float leaves copied from {@code x}, with the given index; returns {value, grad}. */
    private Tensor[] run(Tensor x, Tensor index, BiFunction<Tensor, Tensor, Tensor> op) {
      Tensor leaf = Tensor.of(x.toArray(), x.shape()).requiresGrad(true);
      Tensor out = op.apply(leaf, index);
      Tensor weights = Tensor.randn(new SplittableRandom(7), out.shape());
      out.mul(weights).sum().backward();
      return new Tensor[] {out.detach(), leaf.grad()};
    }

    private void assertSameAsFloatIndices(Tensor x, Tensor intIndex, BiFunction<Tensor, Tensor, Tensor> op, String what) {
      assertEquals(DType.INT64, intIndex.dtype());
      Tensor floatIndex = intIndex.toFloat();
      Tensor[] a = run(x, floatIndex, op), b = run(x, intIndex, op);
      assertBitwiseEqual(a[0], b[0], what + " value");
      assertBitwiseEqual(a[1], b[1], what + " gradient");
    }

    @Test
    void crossEntropyWithIntegerTargetsEqualsFloatTargetsBitForBit() {
      Tensor logits = Tensor.randn(rng, 6, 5);
      Tensor y = Tensor.labels(4, 0, 2, 2, 1, 3);
      assertSameAsFloatIndices(logits, y, Losses::crossEntropy, "crossEntropy (fused mean)");
      assertSameAsFloatIndices(logits, y, (x, t) -> F.crossEntropy(x, t, Reduction.SUM), "crossEntropy sum");
      assertSameAsFloatIndices(logits, y, (x, t) -> F.crossEntropy(x, t, Reduction.NONE), "crossEntropy none");
      assertSameAsFloatIndices(logits, Tensor.labels(4, -100, 2, 2, -100, 3),
          (x, t) -> F.crossEntropy(x, t, -100, 0.1f, Reduction.MEAN), "crossEntropy ignore + smoothing");
      Tensor spatial = Tensor.randn(rng, 2, 3, 4);
      assertSameAsFloatIndices(spatial, Tensor.ofLongs(new long[] {0, 1, 2, 2, 1, 0, 0, 0}, 2, 4).reshape(8),
          (x, t) -> F.crossEntropy(x, t.reshape(2, 4).reshape(8), Reduction.MEAN), "crossEntropy [N, C, d]");
    }

    @Test
    void nllLossEmbeddingGatherAndIndexSelectEqualFloatIndicesBitForBit() {
      Tensor logP = Tensor.randn(rng, 5, 4).logSoftmax(1);
      assertSameAsFloatIndices(logP, Tensor.labels(3, 1, 0, 2, 3), F::nllLoss, "nllLoss");
      Tensor weight = Tensor.randn(rng, 7, 3);
      Tensor ids = Tensor.ofLongs(new long[] {6, 0, 6, 2, 3, 3}, 2, 3);
      assertSameAsFloatIndices(weight, ids, (w, i) -> F.embedding(i, w), "embedding");
      Tensor x = Tensor.randn(rng, 3, 4);
      Tensor idx = Tensor.ofLongs(new long[] {3, 0, 1, 1, 2, 2}, 3, 2);
      assertSameAsFloatIndices(x, idx, (v, i) -> v.gather(1, i), "gather");
      assertSameAsFloatIndices(x, idx.transpose(0, 1), (v, i) -> v.transpose(0, 1).gather(0, i), "gather, strided index");
      assertSameAsFloatIndices(x, Tensor.labels(2, 0, 2), (v, i) -> v.indexSelect(0, i), "indexSelect");
    }

    @Test
    void theEmbeddingModuleTakesIntegerIds() {
      Embedding emb = new Embedding(10, 4, new SplittableRandom(3));
      Tensor out = emb.forward(Tensor.ofLongs(new long[] {9, 0, 4, 4}, 2, 2));
      assertArrayEquals(new int[] {2, 2, 4}, out.shape());
      assertBitwiseEqual(emb.forward(Tensor.of(new float[] {9, 0, 4, 4}, 2, 2)), out, "Embedding module");
    }

    @Test
    void gradientsCheckOnTheFloatSideWithIntegerIndices() {
      Tensor y = Tensor.labels(2, 0, 1, 2);
      Tensor idx = Tensor.ofLongs(new long[] {1, 0, 0, 2}, 2, 2);
      GradCheck.assertPasses(1e-2, in -> Losses.crossEntropy(in[0], in[1]),
          Tensor.randn(rng, 4, 3).requiresGrad(true), y);
      GradCheck.assertPasses(1e-2, in -> F.crossEntropy(in[0], in[1], -100, 0.2f, Reduction.SUM),
          Tensor.randn(rng, 4, 3).requiresGrad(true), y);
      GradCheck.assertPasses(1e-2, in -> in[0].gather(1, in[1]).mul(in[0].narrow(1, 0, 2)),
          Tensor.randn(rng, 2, 3).requiresGrad(true), idx);
      GradCheck.assertPasses(1e-2, in -> F.embedding(in[1], in[0]), Tensor.randn(rng, 3, 2).requiresGrad(true), idx);
    }

    @Test
    void badIntegerIndicesAreRefusedByValue() {
      Tensor logits = Tensor.randn(rng, 2, 3);
      var e = assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(logits, Tensor.labels(1, 3)));
      assertTrue(e.getMessage().contains("target 3 at position 1 is out of range for 3 classes"), e.getMessage());
      var g = assertThrows(IllegalArgumentException.class, () -> logits.gather(1, Tensor.ofLongs(new long[] {0, 5}, 2, 1)));
      assertTrue(g.getMessage().contains("gather: index 5 is out of range for dimension 1 of size 3"), g.getMessage());
      var b = assertThrows(IllegalArgumentException.class, () -> F.embedding(Tensor.ofLongs(new long[] {1L << 33}, 1), logits));
      assertTrue(b.getMessage().contains("embedding: index " + (1L << 33) + " is out of range"), b.getMessage());
      var n = assertThrows(IllegalArgumentException.class, () -> F.embedding(Tensor.labels(-1), logits));
      assertTrue(n.getMessage().contains("embedding: index -1 is out of range for 2 embeddings"), n.getMessage());
    }
  }

  @Nested
  class Data {
    @Test
    void aTensorDatasetOfIntegerLabelsGivesIntegerBatchesThatTrainAndCount() {
      Tensor x = Tensor.randn(new SplittableRandom(8), 6, 3);
      Tensor y = Tensor.ofLongs(new long[] {2, 0, 1, BIG, 0, 2}, 6);
      var data = new dev.backflow.data.TensorDataset(x, y);
      var batch = data.batch(new int[] {5, 3, 0});
      assertEquals(DType.INT64, batch.targets().dtype());
      assertArrayEquals(new long[] {2, BIG, 2}, batch.targets().toLongArray());
      var small = data.batch(new int[] {0, 1, 2});
      Tensor logits = Tensor.of(new float[][] {{0, 0, 1}, {1, 0, 0}, {0, 0, 1}});
      assertEquals(2L, (long) logits.argmax(1).eq(small.targets()).sum().item());
      assertBitwiseEqual(Losses.crossEntropy(logits, small.targets().toFloat()), Losses.crossEntropy(logits, small.targets()),
          "loss on an integer batch");
    }
  }

  @Nested
  class Capture {
    @Test
    void aCapturedStepReplaysGatherWithNewIntegerIndicesCopiedIn() {
      Tensor x = Tensor.randn(new SplittableRandom(5), 3, 4);
      Tensor idx = Tensor.ofLongs(new long[] {0, 1, 2}, 3, 1);
      CapturedStep step = CapturedStep.capture(() -> x.gather(1, idx).add(idx).sum(), 0);
      idx.copy_(Tensor.labels(3, 3, 0).reshape(3, 1));
      float replayed = step.run().item();
      assertEquals(x.gather(1, idx).add(idx).sum().item(), replayed, 0f);
      assertEquals(DType.INT64, idx.dtype());
    }

    @Test
    void aCapturedStepStillRefusesTensorTargetsForCrossEntropyByName() {
      var before = Backends.current();
      Tensor logits = Tensor.randn(new SplittableRandom(6), 2, 3);
      var e = assertThrows(IllegalStateException.class,
          () -> CapturedStep.capture(() -> Losses.crossEntropy(logits, Tensor.labels(0, 2)), 0));
      assertTrue(e.getMessage().contains("captured step cannot read indices"), e.getMessage());
      assertEquals(before, Backends.current());
    }
  }
}
