package dev.backflow.tensor;

import dev.backflow.autograd.Graph;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backflow.autograd.Autograd;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Shape ops share storage exactly where PyTorch's do, copy only when they must, and read back the right
 * elements; tensors print like PyTorch; factories make what they say.
 */
class ViewsTest {

  /** [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]] */
  private static Tensor m34() {
    return Tensor.arange(12).reshape(3, 4);
  }

  private static boolean shares(Tensor a, Tensor b) {
    return Graph.array(a).data() == Graph.array(b).data();
  }

  @Nested
  class StorageSharing {
    @Test
    void viewOpsShareStorageWithTheirInput() {
      Tensor x = Tensor.arange(24).reshape(2, 3, 4);
      assertTrue(shares(x, x.reshape(6, 4)), "reshape of a contiguous tensor");
      assertTrue(shares(x, x.view(4, -1)), "view");
      assertTrue(shares(x, x.transpose(0, 2)), "transpose");
      assertTrue(shares(x, x.mT()), "mT");
      assertTrue(shares(x, x.permute(2, 0, 1)), "permute");
      assertTrue(shares(x, x.narrow(1, 1, 2)), "narrow");
      assertTrue(shares(x, x.slice(2, 0, 4, 2)), "slice with a step");
      assertTrue(shares(x, x.select(0, 1)), "select");
      assertTrue(shares(x, x.unsqueeze(1)), "unsqueeze");
      assertTrue(shares(x, x.unsqueeze(0).squeeze(0)), "squeeze(dim)");
      assertTrue(shares(x, x.unsqueeze(3).squeeze()), "squeeze()");
      assertTrue(shares(x, x.flatten()), "flatten");
      assertTrue(shares(x, x.slice(0, 0, 1, 1).expand(5, 3, 4)), "expand");
      assertTrue(shares(x, x.detach()), "detach");
      assertTrue(shares(x, x.contiguous()), "contiguous() of a contiguous tensor");
    }

    @Test
    void reshapeOfATransposeCopiesBecauseNoStridesCanExpressIt() {
      Tensor t = m34().mT();
      Tensor r = t.reshape(12);
      assertFalse(shares(t, r), "reshape must copy here, as PyTorch's does");
      assertArrayEquals(new float[] {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, r.toArray());
    }

    @Test
    void reshapeOfANonContiguousTensorStaysAViewWhenTheStridesAllowIt() {
      // merging dims 1 and 2 of a [2, 3, 4] tensor sliced along dim 0 keeps each merged group contiguous
      Tensor x = Tensor.arange(48).reshape(4, 3, 4).slice(0, 0, 4, 2);
      assertFalse(x.isContiguous());
      Tensor v = x.view(2, 12);
      assertTrue(shares(x, v));
      assertArrayEquals(x.toArray(), v.toArray());
      // and a split of a transposed dim is a view too
      Tensor t = Tensor.arange(24).reshape(6, 4).mT(); // [4, 6]
      Tensor split = t.view(4, 2, 3);
      assertTrue(shares(t, split));
      assertArrayEquals(t.toArray(), split.toArray());
    }

    @Test
    void writesThroughAViewAreSeenByTheBase() {
      Tensor x = Tensor.zeros(3, 4);
      x.narrow(0, 1, 1).fill_(7f);
      x.mT().select(0, 3).add_(Tensor.ones(3));
      assertArrayEquals(new float[] {0, 0, 0, 1, 7, 7, 7, 8, 0, 0, 0, 1}, x.toArray());
    }

    @Test
    void contiguousCopiesOnlyWhenNeeded() {
      Tensor x = m34();
      assertSame(x, x.contiguous());
      Tensor t = x.mT();
      assertFalse(t.isContiguous());
      Tensor c = t.contiguous();
      assertTrue(c.isContiguous());
      assertFalse(shares(t, c), "a non-contiguous tensor is copied");
      assertArrayEquals(t.toArray(), c.toArray());
      assertArrayEquals(new float[] {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, Graph.array(c).data());
      // a narrow along the first dim is still contiguous: no copy
      Tensor rows = x.narrow(0, 1, 2);
      assertTrue(rows.isContiguous());
      assertSame(rows, rows.contiguous());
    }

    @Test
    void contiguousPassesGradientsThrough() {
      Tensor x = m34().requiresGrad(true);
      Tensor c = x.mT().contiguous();
      assertEquals("ContiguousBackward", c.gradFn().name());
      c.mul(Tensor.arange(12).reshape(4, 3)).sum().backward();
      assertArrayEquals(new float[] {0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11}, x.grad().toArray());
    }

    @Test
    void viewOfANonContiguousTensorFailsAndSaysToUseReshape() {
      Tensor t = m34().mT();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.view(12));
      String m = e.getMessage();
      assertTrue(m.startsWith("view:"), m);
      assertTrue(m.contains("[4, 3]") && m.contains("not contiguous") && m.contains("reshape()"), m);
    }
  }

  @Nested
  class ReadingViews {
    @Test
    void transposeAndPermuteReadTheRightElements() {
      assertArrayEquals(new float[] {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, m34().transpose(0, 1).toArray());
      Tensor x = Tensor.arange(24).reshape(2, 3, 4);
      Tensor p = x.permute(2, 0, 1); // p[k][i][j] = x[i][j][k]
      assertArrayEquals(new int[] {4, 2, 3}, p.shape());
      float[] pv = p.toArray();
      for (int k = 0; k < 4; k++) {
        for (int i = 0; i < 2; i++) {
          for (int j = 0; j < 3; j++) assertEquals(x.get(i, j, k), pv[k * 6 + i * 3 + j]);
        }
      }
    }

    @Test
    void slicesNarrowsAndSelectsReadTheRightElements() {
      Tensor x = m34();
      assertArrayEquals(new float[] {1, 3, 5, 7, 9, 11}, x.slice(1, 1, 4, 2).toArray());
      assertArrayEquals(new float[] {8, 9, 10, 11}, x.slice(0, -1, 3, 1).toArray());
      assertArrayEquals(new float[] {4, 5, 6, 7, 8, 9, 10, 11}, x.narrow(0, 1, 2).toArray());
      assertArrayEquals(new float[] {2, 6, 10}, x.select(1, 2).toArray());
      assertArrayEquals(new float[] {3, 7, 11}, x.select(-1, -1).toArray());
      assertArrayEquals(new float[] {}, x.slice(1, 3, 1, 1).toArray(), "an empty slice");
      assertArrayEquals(new int[] {3, 0}, x.slice(1, 3, 1, 1).shape());
      // a slice of a transposed slice: offsets and strides compose
      assertArrayEquals(new float[] {5, 7}, x.slice(0, 1, 3, 1).mT().slice(0, 1, 4, 2).select(1, 0).toArray());
    }

    @Test
    void expandRepeatsWithoutCopying() {
      Tensor col = Tensor.of(new float[] {1, 2, 3}, 3, 1);
      Tensor e = col.expand(3, 2);
      assertArrayEquals(new float[] {1, 1, 2, 2, 3, 3}, e.toArray());
      assertEquals(0, Graph.array(e).strides()[1], "the expanded dim has stride 0");
      assertTrue(shares(col, e));
      assertArrayEquals(new float[] {1, 2, 3, 1, 2, 3}, Tensor.of(1f, 2f, 3f).expand(2, -1).toArray());
    }

    @Test
    void squeezeAndUnsqueezeMoveOnlyUnitDims() {
      Tensor x = Tensor.zeros(1, 3, 1, 2);
      assertArrayEquals(new int[] {3, 2}, x.squeeze().shape());
      assertArrayEquals(new int[] {3, 1, 2}, x.squeeze(0).shape());
      assertArrayEquals(new int[] {1, 3, 1, 2}, x.squeeze(1).shape(), "squeezing a dim of size 3 does nothing");
      assertArrayEquals(new int[] {1, 3, 1, 2, 1}, x.unsqueeze(-1).shape());
      assertArrayEquals(new int[] {1, 1, 3, 1, 2}, x.unsqueeze(1).shape());
      assertArrayEquals(new float[] {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, m34().mT().unsqueeze(1).toArray());
    }

    @Test
    void flattenMergesTheGivenDims() {
      Tensor x = Tensor.zeros(2, 3, 4, 5);
      assertArrayEquals(new int[] {120}, x.flatten().shape());
      assertArrayEquals(new int[] {2, 12, 5}, x.flatten(1, 2).shape());
      assertArrayEquals(new int[] {2, 60}, x.flatten(1, -1).shape());
      assertArrayEquals(new int[] {1}, Tensor.scalar(3f).flatten().shape());
    }

    @Test
    void reshapeInfersMinusOne() {
      assertArrayEquals(new int[] {2, 6}, m34().reshape(2, -1).shape());
      assertArrayEquals(new int[] {12}, m34().reshape(-1).shape());
      assertArrayEquals(new int[] {}, Tensor.of(5f).reshape().shape());
    }
  }

  @Nested
  class Printing {
    @Test
    void aMatrixPrintsLikePyTorch() {
      Tensor x = Tensor.of(new float[][] {{1f, 2.5f}, {3f, -4f}});
      assertEquals("tensor([[ 1.0000,  2.5000],\n        [ 3.0000, -4.0000]], shape=[2, 2])", x.toString());
    }

    @Test
    void wholeNumbersPrintWithATrailingPoint() {
      assertEquals("tensor([1., 2., 3.], shape=[3])", Tensor.of(1f, 2f, 3f).toString());
      assertEquals("tensor([[0., 1.],\n        [2., 3.]], shape=[2, 2])", Tensor.arange(4).reshape(2, 2).toString());
    }

    @Test
    void aScalarPrintsItsValue() {
      assertEquals("tensor(3.5000, shape=[])", Tensor.scalar(3.5f).toString());
    }

    @Test
    void threeDimensionsSeparateBlocksWithABlankLine() {
      assertEquals("tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]], shape=[2, 2, 2])",
          Tensor.arange(8).reshape(2, 2, 2).toString());
    }

    @Test
    void gradInformationIsShownAsPyTorchShowsIt() {
      Tensor x = Tensor.of(new float[][] {{1f, 2.5f}}).requiresGrad(true);
      assertEquals("tensor([[1.0000, 2.5000]], shape=[1, 2], requires_grad=True)", x.toString());
      Tensor y = x.mul(2f);
      assertTrue(y.toString().startsWith("tensor([[2., 5.]]"), y.toString());
      assertTrue(y.toString().endsWith(", grad_fn=<MulBackward>)"), y.toString());
      assertTrue(x.add(x).toString().contains("grad_fn=<AddBackward>"));
      assertTrue(x.sum().toString().contains("grad_fn=<SumBackward>"));
    }

    @Test
    void tinyOrWideRangingValuesSwitchToScientificNotation() {
      assertEquals("tensor([1.0000e-05, 1.0000e+00], shape=[2])", Tensor.of(1e-5f, 1f).toString());
    }

    @Test
    void nanAndInfinityPrintAsPyTorchSpellsThem() {
      // as PyTorch, the column width comes from the finite values only
      assertEquals("tensor([nan, inf, -inf, 1.], shape=[4])",
          Tensor.of(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1f).toString());
      assertEquals("tensor([    nan,  1.5000, -2.0000], shape=[3])", Tensor.of(Float.NaN, 1.5f, -2f).toString());
    }

    @Test
    void largeTensorsAreSummarizedWithAnEllipsis() {
      String s = Tensor.arange(2000).toString();
      assertTrue(s.contains("..."), s);
      assertTrue(s.length() < 200, "summarized, not 2000 numbers: " + s.length() + " chars");
      assertTrue(s.endsWith("1999.], shape=[2000])"), s);
    }

    @Test
    void printingAViewPrintsItsLogicalOrder() {
      assertEquals("tensor([[0., 2.],\n        [1., 3.]], shape=[2, 2])", Tensor.arange(4).reshape(2, 2).mT().toString());
    }
  }

  @Nested
  class Factories {
    @Test
    void ofCopiesItsDataAndChecksTheCount() {
      float[] data = {1, 2, 3, 4, 5, 6};
      Tensor x = Tensor.of(data, 2, 3);
      data[0] = 99;
      assertEquals(1f, x.get(0, 0), "of copies the array");
      assertArrayEquals(new int[] {2, 3}, x.shape());
      assertEquals(6f, x.get(-1, -1));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(data, 4, 2));
      assertTrue(e.getMessage().contains("6") && e.getMessage().contains("[4, 2]"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[][] {{1, 2}, {3}}));
    }

    @Test
    void scalarIsZeroDimensional() {
      Tensor s = Tensor.scalar(2.5f);
      assertEquals(0, s.dim());
      assertEquals(1, s.numel());
      assertEquals(2.5f, s.item());
    }

    @Test
    void zerosOnesFullAndLikes() {
      assertArrayEquals(new float[6], Tensor.zeros(2, 3).toArray());
      assertArrayEquals(new int[] {2, 3}, Tensor.zeros(2, 3).shape());
      assertArrayEquals(new float[] {1, 1, 1, 1}, Tensor.ones(2, 2).toArray());
      assertArrayEquals(new float[] {7, 7, 7}, Tensor.full(7f, 3).toArray());
      assertArrayEquals(new int[] {4, 1}, Tensor.onesLike(Tensor.zeros(4, 1)).shape());
      assertArrayEquals(new float[] {0, 0}, Tensor.zerosLike(Tensor.ones(2)).toArray());
      assertEquals(0, Tensor.zeros(0, 5).numel());
    }

    @Test
    void arangeFollowsPythonsRange() {
      assertArrayEquals(new float[] {0, 1, 2, 3, 4}, Tensor.arange(5).toArray());
      assertArrayEquals(new float[] {1, 1.25f, 1.5f, 1.75f}, Tensor.arange(1, 2, 0.25).toArray());
      assertArrayEquals(new float[] {3, 1}, Tensor.arange(3, 0, -2).toArray());
      assertEquals(0, Tensor.arange(0).numel());
      assertThrows(IllegalArgumentException.class, () -> Tensor.arange(0, 1, 0));
    }

    @Test
    void eyeIsTheIdentity() {
      assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, Tensor.eye(3).toArray());
      assertArrayEquals(new float[] {1, 0, 0, 0, 1, 0}, Tensor.eye(2, 3).toArray());
    }

    @Test
    void randomTensorsAreReproducibleFromASeed() {
      assertArrayEquals(Tensor.randn(42, 3, 4).toArray(), Tensor.randn(42, 3, 4).toArray());
      assertArrayEquals(Tensor.rand(42, 10).toArray(), Tensor.rand(42, 10).toArray());
      assertFalse(Arrays.equals(Tensor.randn(42, 10).toArray(), Tensor.randn(43, 10).toArray()));
      assertArrayEquals(Tensor.randn(new SplittableRandom(5), 8).toArray(), Tensor.randn(5, 8).toArray());
    }

    @Test
    void randnIsStandardNormalAndRandIsUniform() {
      float[] n = Tensor.randn(7, 20000).toArray();
      double mean = 0, sq = 0;
      for (float v : n) mean += v;
      mean /= n.length;
      for (float v : n) sq += (v - mean) * (v - mean);
      double std = Math.sqrt(sq / (n.length - 1));
      assertEquals(0, mean, 0.03);
      assertEquals(1, std, 0.03);
      float[] u = Tensor.rand(7, 20000).toArray();
      double umean = 0;
      for (float v : u) {
        assertTrue(v >= 0f && v < 1f, "rand value " + v);
        umean += v;
      }
      assertEquals(0.5, umean / u.length, 0.01);
    }

    @Test
    void itemReadsOneElementTensorsOnly() {
      assertEquals(3f, Tensor.of(3f).item());
      assertEquals(5f, Tensor.full(5f, 1, 1, 1).item());
      assertEquals(4f, m34().select(0, 1).select(0, 0).item(), "item of a view");
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> Tensor.zeros(2, 3).item());
      assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
    }

    @Test
    void getChecksItsIndices() {
      Tensor x = m34();
      assertEquals(6f, x.get(1, 2));
      assertEquals(11f, x.get(-1, -1));
      assertThrows(IndexOutOfBoundsException.class, () -> x.get(3, 0));
      assertThrows(IllegalArgumentException.class, () -> x.get(1));
    }

    @Test
    void factoriesRecordNothing() {
      Tensor z = Tensor.zeros(2);
      assertFalse(z.requiresGrad());
      assertTrue(z.isLeaf());
      assertEquals(DType.FLOAT32, z.dtype());
      try (var g = Autograd.noGrad()) {
        assertFalse(Tensor.ones(2).requiresGrad());
      }
    }
  }

  @Test
  void detachSharesValuesButNotTheGraph() {
    Tensor x = Tensor.of(1f, 2f).requiresGrad(true);
    Tensor y = x.mul(3f);
    Tensor d = y.detach();
    assertTrue(shares(y, d));
    assertFalse(d.requiresGrad());
    assertTrue(d.isLeaf());
    assertNotSame(y, d);
  }
}
