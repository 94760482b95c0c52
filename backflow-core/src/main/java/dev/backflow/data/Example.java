package dev.backflow.data;

import dev.backflow.tensor.Tensor;

/**
 * One example of a {@link Dataset}: what {@code __getitem__} returns in PyTorch, an input and its target.
 *
 * @param input the example's input, without a batch dim (e.g. [1, 28, 28])
 * @param target its target: a class index as a scalar tensor (e.g. {@code Tensor.scalar(3)}), or values
 */
public record Example(Tensor input, Tensor target) {}
