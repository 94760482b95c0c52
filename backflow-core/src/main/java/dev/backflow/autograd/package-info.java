/**
 * Reverse-mode automatic differentiation, as {@code torch.autograd}: ops record a
 * {@link dev.backflow.autograd.Node} per result through {@link dev.backflow.autograd.Graph#record}, and
 * {@link dev.backflow.autograd.BackwardEngine} walks them in reverse topological order, each node's
 * {@link dev.backflow.autograd.BackwardFn} turning dL/d(output) into dL/d(inputs).
 *
 * <p>The user's switches are on {@link dev.backflow.autograd.Autograd}: {@code noGrad()} (torch.no_grad),
 * {@code grad(...)} (torch.autograd.grad, to any order with createGraph) and {@code detectAnomaly}.
 * {@link dev.backflow.autograd.GradCheck} compares an op's gradients with finite differences, as
 * {@code torch.autograd.gradcheck} and {@code gradgradcheck}; a custom differentiable op computes its value and
 * calls {@code Graph.record} with its backward rule (PyTorch's {@code autograd.Function}).
 *
 * <p>Part of Backflow's engine ({@link dev.backflow.autograd.EngineCode}): anomaly reports look past this
 * package's frames for the user's line.
 */
@EngineCode
package dev.backflow.autograd;

import dev.backflow.autograd.EngineCode;
