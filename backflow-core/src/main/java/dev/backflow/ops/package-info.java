/**
 * The differentiable functions, one family per class, each beside its derivative: {@link dev.backflow.ops.Arithmetic},
 * {@link dev.backflow.ops.Activations}, {@link dev.backflow.ops.Reduce}, {@link dev.backflow.ops.Views},
 * {@link dev.backflow.ops.Joins}, {@link dev.backflow.ops.Indexing}, {@link dev.backflow.ops.Linalg},
 * {@link dev.backflow.ops.Convolutions}, {@link dev.backflow.ops.Normalization},
 * {@link dev.backflow.ops.Attention}, {@link dev.backflow.ops.Dropout} and {@link dev.backflow.ops.Losses}.
 * Names, arguments and results follow {@code torch} and {@code torch.nn.functional}. Most are also reachable
 * as {@code Tensor} methods ({@code x.relu()}) and through {@link dev.backflow.nn.F}, the one facade a ported
 * script needs.
 *
 * <p>Part of Backflow's engine: anomaly reports look past this package's frames for the user's line.
 */
@EngineCode
package dev.backflow.ops;

import dev.backflow.autograd.EngineCode;
