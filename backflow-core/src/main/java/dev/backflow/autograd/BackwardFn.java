package dev.backflow.autograd;

import dev.backflow.tensor.Tensor;

/**
 * An op's local chain-rule step: given dL/d(output), return dL/d(input) for each input (null where an
 * input needs no gradient). {@code needsGrad[i]} lets expensive rules skip work nobody will read.
 */
@FunctionalInterface
public interface BackwardFn {
  Tensor[] apply(Tensor gradOutput, boolean[] needsGrad);
}
