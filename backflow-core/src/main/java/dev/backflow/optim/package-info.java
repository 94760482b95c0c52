/**
 * Optimizers, learning-rate schedules and gradient clipping, as {@code torch.optim} and
 * {@code torch.nn.utils.clip_grad_norm_}.
 *
 * <p>An {@link dev.backflow.optim.Optimizer} holds {@link dev.backflow.optim.ParamGroup parameter groups} and
 * per-parameter state, and does one thing in {@code step()}: {@link dev.backflow.optim.Sgd},
 * {@link dev.backflow.optim.Adam}, {@link dev.backflow.optim.AdamW} and {@link dev.backflow.optim.RmsProp} follow
 * PyTorch's update rules and defaults exactly. A hand-written loop:
 *
 * <pre>{@code
 * Optimizer opt = new AdamW(model.parameters(), 1e-3);
 * LrScheduler sched = LrScheduler.warmupThenCosine(opt, 100, totalSteps, 0.1);
 * for (Batch b : loader) {
 *   opt.zeroGrad();
 *   Tensor loss = F.crossEntropy(model.forward(b.inputs()), b.targets());
 *   loss.backward();
 *   GradClip.clipGradNorm(model.parameters(), 1.0);
 *   opt.step();
 *   sched.step();
 * }
 * }</pre>
 */
package dev.backflow.optim;
