package dev.backflow.autograd;

import dev.backflow.tensor.Tensor;

/**
 * An op's local chain-rule step: given dL/d(output), return dL/d(input) for each input (null where an
 * input needs no gradient). {@code needsGrad[i]} lets expensive rules skip work nobody will read.
 */
@FunctionalInterface
public interface BackwardFn {
  /**
   * Turns dL/d(output) into dL/d(input) for each input.
   *
   * @param gradOutput the gradient of the loss with respect to the op's output, of the output's shape
   * @param needsGrad for each input, whether its gradient will be read; a rule may return null where it is false
   * @return one gradient per input, each of its input's shape (or broadcastable to it), null where none is needed
   */
  Tensor[] apply(Tensor gradOutput, boolean[] needsGrad);
}
