package dev.backflow.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.backflow.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A softmax large enough to have its rows split across cores gives, row by row, the same bits as each row computed
 * alone (a small tensor, one task), over the last dim and over a leading one, forward and backward.
 */
class SoftmaxRowsSplitTest {
  private static final int ROWS = 300, COLS = 200;  // 60,000 elements: above one chunk, so the rows are split

  @Test
  void eachRowOfASplitSoftmaxHasTheBitsOfThatRowAlone() {
    Tensor x = Tensor.randn(7L, ROWS, COLS).mul(4f);
    for (boolean log : new boolean[] {false, true}) {
      float[] whole = (log ? x.logSoftmax(-1) : x.softmax(-1)).toArray();
      for (int r = 0; r < ROWS; r++) {
        Tensor row = x.select(0, r).contiguous();
        float[] alone = (log ? row.logSoftmax(0) : row.softmax(0)).toArray();
        float[] part = java.util.Arrays.copyOfRange(whole, r * COLS, (r + 1) * COLS);
        assertArrayEquals(alone, part, 0f, (log ? "logSoftmax" : "softmax") + " row " + r);
      }
    }
  }

  @Test
  void overALeadingDimEachColumnHasTheBitsOfThatColumnAlone() {
    Tensor x = Tensor.randn(8L, ROWS, COLS).mul(4f);
    float[] whole = x.softmax(0).toArray();
    for (int c = 0; c < COLS; c += 37) {
      float[] alone = x.select(1, c).contiguous().softmax(0).toArray();
      for (int r = 0; r < ROWS; r++) assertArrayEquals(new float[] {alone[r]}, new float[] {whole[r * COLS + c]}, 0f, "column " + c);
    }
  }

  @Test
  void theBackwardPassOfASplitSoftmaxHasTheBitsOfEachRowAlone() {
    Tensor x = Tensor.randn(9L, ROWS, COLS).requiresGrad(true);
    Tensor weights = Tensor.randn(10L, ROWS, COLS);
    x.softmax(-1).mul(weights).sum().backward();
    float[] whole = x.grad().toArray();
    for (int r = 0; r < ROWS; r += 23) {
      Tensor row = x.detach().select(0, r).contiguous().requiresGrad(true);
      row.softmax(0).mul(weights.select(0, r).contiguous()).sum().backward();
      float[] part = java.util.Arrays.copyOfRange(whole, r * COLS, (r + 1) * COLS);
      assertArrayEquals(row.grad().toArray(), part, 0f, "row " + r);
    }
  }
}
