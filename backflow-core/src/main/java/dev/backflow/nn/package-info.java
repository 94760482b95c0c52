/**
 * Neural-network building blocks, as {@code torch.nn}: {@link dev.backflow.nn.Module} (parameters declared in
 * the constructor, computation in {@code forward}), the layers ({@code Linear}, {@code Conv2d}, {@code BatchNorm2d},
 * {@code LayerNorm}, {@code Embedding}, attention and transformer blocks, activations, pooling, dropout),
 * containers ({@code Sequential}, {@code ModuleList}, {@code ModuleDict}), weight {@link dev.backflow.nn.Init
 * initialization}, and {@link dev.backflow.nn.F}, the functional facade ({@code torch.nn.functional}).
 *
 * <p>Part of Backflow's engine: anomaly reports look past this package's frames for the user's line.
 */
@EngineCode
package dev.backflow.nn;

import dev.backflow.autograd.EngineCode;
