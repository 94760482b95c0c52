package dev.backflow.backend;

/** Element-wise maps and binary ops with NumPy broadcasting, and fused activation backward passes. Part of {@link Backend}; knows nothing of gradients. */
public interface ElementwiseKernels {

  NdArray unary(UnaryOp op, NdArray x, float p, float q);

  /**
   * g · op(x) for same-shaped g and x: an activation's backward pass (op its local derivative, D_GELU_ERF,
   * D_LEAKY_RELU...) in one sweep instead of a derivative array and a product.
   */
  default NdArray mulUnary(NdArray g, UnaryOp op, NdArray x, float p, float q) {
    return binary(BinaryOp.MUL, g, unary(op, x, p, q));
  }

  /** a op b with broadcasting; the result has the broadcast shape. */
  NdArray binary(BinaryOp op, NdArray a, NdArray b);

  /** target = target op b, b broadcast to target's shape; target must not overlap itself. */
  void binaryInPlace(BinaryOp op, NdArray target, NdArray b);

  /** cond != 0 ? a : b, broadcasting all three. */
  NdArray where(NdArray cond, NdArray a, NdArray b);
}
