/**
 * The {@link dev.backflow.tensor.Tensor}, as {@code torch.Tensor}: an n-dimensional float32 (or
 * {@link dev.backflow.tensor.DType#INT64 INT64}) array that records how it was computed, with PyTorch's method
 * names so that code ports line by line.
 *
 * <pre>{@code
 * Tensor w = Tensor.randn(0, 3, 1).requiresGrad(true);
 * Tensor x = Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}});
 * Tensor loss = x.matmul(w).sigmoid().sub(1f).square().mean();
 * loss.backward();            // w.grad() now holds d loss / d w, shape [3, 1]
 * }</pre>
 *
 * <p>The methods are a facade: each delegates to an op in {@code dev.backflow.ops}, which computes with the
 * current {@link dev.backflow.backend.Backend} and records itself through {@link dev.backflow.autograd.Graph}.
 * Part of Backflow's engine ({@link dev.backflow.autograd.EngineCode}): anomaly reports look past this package's
 * frames for the user's line.
 */
@EngineCode
package dev.backflow.tensor;

import dev.backflow.autograd.EngineCode;
