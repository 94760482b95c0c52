package dev.backflow.backend;

/**
 * Element-wise functions of one input, with up to two float parameters {@code p, q}.
 * The {@code D_*} entries are local derivatives that backward rules need and cannot build cheaply from
 * other primitives.
 */
public enum UnaryOp {
  NEG, EXP, LOG, SQRT, ABS, SIGN, SQUARE, RECIPROCAL,
  SIGMOID, TANH, RELU,
  /** p = negative slope. */
  LEAKY_RELU,
  GELU_TANH, GELU_ERF,
  /** p = beta, q = threshold (PyTorch's softplus: linear above threshold). */
  SOFTPLUS,
  /** x^p. */
  POW,
  /** clamp to [p, q]. */
  CLAMP,
  /** 1 where p &lt;= x &lt;= q, else 0: the gradient mask of clamp. */
  D_CLAMP,
  /** 1 where x &gt; 0, else p: the derivative of (leaky) ReLU. */
  D_LEAKY_RELU,
  D_GELU_TANH, D_GELU_ERF,
  /** derivative of softplus(beta=p, threshold=q). */
  D_SOFTPLUS,
  /** 1 for non-integral values, NaN or infinity, else 0; used to validate index tensors. */
  NOT_INTEGRAL,
  /** 1 where x is NaN or infinite. */
  NOT_FINITE,
  /** a*x + p scaled: x * p + q (affine, used for scalar arithmetic). */
  AFFINE
}
