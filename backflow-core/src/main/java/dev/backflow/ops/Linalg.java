package dev.backflow.ops;

import dev.backflow.autograd.Autograd;
import dev.backflow.autograd.Graph;
import dev.backflow.autograd.BackwardFn;
import dev.backflow.backend.Backends;
import dev.backflow.backend.NdArray;
import dev.backflow.backend.Shapes;
import dev.backflow.tensor.Tensor;
import java.util.Arrays;

/** Matrix products with torch.matmul's rules for 1-D operands and broadcast batch dims. */
public final class Linalg {
  private Linalg() {}

  /**
   * Matrix product with PyTorch's rules for {@code torch.matmul}: 2-D by 2-D is the ordinary product
   * {@code [M, K] @ [K, N] -> [M, N]}; a 1-D left operand acts as a row and a 1-D right operand as a column (the
   * added dimension is dropped from the result); higher-rank operands are batches of matrices whose leading dimensions
   * broadcast.
   *
   * @param a the left operand {@code [..., M, K]} (or {@code [K]})
   * @param b the right operand {@code [..., K, N]} (or {@code [K]})
   * @return the product {@code [..., M, N]}, with broadcast batch dimensions
   * @throws IllegalArgumentException if either operand is a scalar, the inner sizes differ, or the batch dimensions
   *     do not broadcast
   */
  public static Tensor matmul(Tensor a, Tensor b) {
    if (a.dim() == 0 || b.dim() == 0) {
      throw new IllegalArgumentException("matmul: both arguments need at least 1 dimension, got shapes "
          + Arrays.toString(a.shape()) + " and " + Arrays.toString(b.shape()));
    }
    // 1-D operands become a row (left) or a column (right) and the extra dim is dropped afterwards.
    Tensor a2 = a.dim() == 1 ? a.unsqueeze(0) : a;
    Tensor b2 = b.dim() == 1 ? b.unsqueeze(1) : b;
    int k = a2.shape(-1), kb = b2.shape(-2);
    if (k != kb) {
      throw new IllegalArgumentException("matmul: shapes " + Arrays.toString(a.shape()) + " and "
          + Arrays.toString(b.shape()) + " do not line up (" + k + " ≠ " + kb + ")");
    }
    if (a.dim() == 2 && b.dim() == 2) return product(a, b);
    Tensor out;
    if (a2.dim() > 2 && b2.dim() == 2) {
      // [..., M, K] @ [K, N]: fold the batch dims into M, so one large product runs (and the weight
      // gradient becomes one product over all rows instead of a product per batch entry plus a sum).
      int[] sa = a2.shape();
      int[] outShape = sa.clone();
      outShape[outShape.length - 1] = b2.shape(1);
      out = batched(a, b, a2.reshape(-1, k), b2).reshape(outShape);
    } else {
      out = batched(a, b, a2, b2);
    }
    if (a.dim() == 1) out = out.squeeze(-2);
    if (b.dim() == 1) out = out.squeeze(-1);
    return out;
  }

  /**
   * Affine map {@code x Wᵀ + b} as one product; like {@code torch.nn.functional.linear(x, weight, bias)}.
   *
   * @param x input {@code [..., in]}
   * @param weight the weight {@code [out, in]}, in PyTorch's layout
   * @param bias the bias {@code [out]}, or null for none
   * @return the output {@code [..., out]}
   * @throws IllegalArgumentException if {@code x}'s last dimension is not {@code in}, {@code weight} is not 2-D, or the
   *     bias is not {@code [out]}
   */
  // y = x Wᵀ + b in one product;  dx = g W,  dW = gᵀ x (over all rows, already in W's [out, in] layout),  db = Σ_rows g
  public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
    if (weight.dim() != 2 || x.dim() == 0 || x.shape(-1) != weight.shape(1)) {
      throw new IllegalArgumentException("linear: input " + Arrays.toString(x.shape()) + " and weight "
          + Arrays.toString(weight.shape()) + " do not line up (" + (x.dim() == 0 ? "scalar input" : x.shape(-1) + " ≠ "
          + (weight.dim() == 2 ? weight.shape(1) : Arrays.toString(weight.shape()))) + ")");
    }
    if (bias != null && (bias.dim() != 1 || bias.shape(0) != weight.shape(0))) {
      throw new IllegalArgumentException("linear: bias must have shape [" + weight.shape(0) + "], got " + Arrays.toString(bias.shape()));
    }
    if (x.dim() == 1) return linear(x.unsqueeze(0), weight, bias).squeeze(0);
    int in = weight.shape(1), out = weight.shape(0);
    NdArray y = Backends.current().linalg().linear(Graph.array(x), Graph.array(weight), bias == null ? null : Graph.array(bias));
    BackwardFn back = (g, need) -> {
      Tensor rows = g.reshape(-1, out);
      return new Tensor[] {
          need[0] ? g.matmul(weight) : null,
          need[1] ? rows.mT().matmul(x.reshape(-1, in)) : null,
          need.length > 2 && need[2] ? rows.sum(0) : null};
    };
    return bias == null ? Graph.record("linear", y, back, x, weight) : Graph.record("linear", y, back, x, weight, bias);
  }

  // d(AB)/dA = G B^T, d(AB)/dB = A^T G, each summed over batch dims that were broadcast
  private static Tensor batched(Tensor aUser, Tensor bUser, Tensor a, Tensor b) {
    int[] sa = a.shape(), sb = b.shape();
    int m = sa[sa.length - 2], k = sa[sa.length - 1], n = sb[sb.length - 1];
    int[] batchA = Arrays.copyOf(sa, sa.length - 2), batchB = Arrays.copyOf(sb, sb.length - 2);
    int[] batch = Shapes.tryBroadcast(batchA, batchB);
    if (batch == null) {
      throw new IllegalArgumentException("matmul: batch dims of shapes " + Arrays.toString(aUser.shape()) + " and "
          + Arrays.toString(bUser.shape()) + " do not broadcast");
    }
    Shapes.numel(batch);
    NdArray out = Backends.current().linalg().bmm(withBatch(Graph.array(a), batch, m, k), withBatch(Graph.array(b), batch, k, n));
    if (batch.length == 0) out = out.squeeze(0);
    return Graph.record("matmul", out, (g, need) -> new Tensor[] {
        need[0] ? g.matmul(b.mT()).sumTo(sa) : null,
        need[1] ? gradOfRight(a, b, g, sb) : null}, a, b);
  }

  // The plain matrix product, with no batch dims to broadcast or sum back: d(AB)/dA = G Bᵀ, d(AB)/dB = Aᵀ G
  private static Tensor product(Tensor a, Tensor b) {
    NdArray out = Backends.current().linalg().mm(Graph.array(a), Graph.array(b));
    return Graph.record("matmul", out, (g, need) -> new Tensor[] {
        need[0] ? transposedProduct(g, false, b, true) : null,
        need[1] ? gradOfRight(a, b, g, null) : null}, a, b);
  }

  /**
   * {@code x @ y} of 2-D tensors, either read transposed. A first-order backward pass (nothing records) calls the
   * kernel with the transposes as flags, making no view; under createGraph the same product is built from recorded ops.
   */
  private static Tensor transposedProduct(Tensor x, boolean transposeX, Tensor y, boolean transposeY) {
    if (Autograd.isGradEnabled()) return (transposeX ? x.mT() : x).matmul(transposeY ? y.mT() : y);
    return Graph.constant(Backends.current().linalg().mm(Graph.array(x), transposeX, Graph.array(y), transposeY));
  }

  /**
   * A^T G, in B's own layout when B is a transposed matrix (x @ W^T in Linear): computed as (G^T A)^T, the
   * gradient reaches W's transpose view already row-major for W, so no transposing copy is made.
   */
  private static Tensor gradOfRight(Tensor a, Tensor b, Tensor g, int[] sb) {
    NdArray arr = Graph.array(b);
    boolean columnMajor = arr.rank() == 2 && arr.stride(0) == 1 && arr.stride(1) == arr.shape(0) && arr.shape(0) > 1 && arr.shape(1) > 1;
    if (columnMajor && a.dim() == 2 && g.dim() == 2) return transposedProduct(g, true, a, false).mT();
    if (a.dim() == 2 && g.dim() == 2) return transposedProduct(a, true, g, false);
    return a.mT().matmul(g).sumTo(sb);
  }

  /** [batch..., rows, cols] broadcast (stride 0) to the common batch dims; a leading 1 when there are none. */
  private static NdArray withBatch(NdArray x, int[] batch, int rows, int cols) {
    int[] full = Arrays.copyOf(batch.length == 0 ? new int[] {1} : batch, Math.max(batch.length, 1) + 2);
    full[full.length - 2] = rows;
    full[full.length - 1] = cols;
    return x.expand(full);
  }
}
