/**
 * Mixed-precision training, as {@code torch.amp}: {@link dev.backflow.amp.GradScaler} for dynamic loss
 * scaling, and {@link dev.backflow.amp.MixedPrecisionSequential}, which keeps the activations the backward pass
 * needs in bfloat16 while the weights stay float32.
 */
package dev.backflow.amp;
