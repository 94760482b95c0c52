/**
 * Backflow, a deep-learning library in plain Java: tensors with reverse-mode automatic differentiation, layers,
 * optimizers, data loading and a training loop, named as in PyTorch so that a script ports line by line.
 *
 * <p>This package holds {@link dev.backflow.Backflow}, the default random generator that layers draw their
 * initial weights from ({@code Backflow.manualSeed}, like {@code torch.manual_seed}). The rest is laid out as
 * PyTorch is:
 * <ul>
 *   <li>{@link dev.backflow.tensor}: the {@code Tensor} (like {@code torch.Tensor}) and its dtypes;</li>
 *   <li>{@link dev.backflow.autograd}: the backward engine, no-grad scopes and gradient checks
 *       ({@code torch.autograd});</li>
 *   <li>{@link dev.backflow.ops}: the differentiable functions, one family per class ({@code torch},
 *       {@code torch.nn.functional});</li>
 *   <li>{@link dev.backflow.nn}: modules, layers, initialization and the functional facade {@code F}
 *       ({@code torch.nn});</li>
 *   <li>{@link dev.backflow.optim}: optimizers, learning-rate schedules and gradient clipping ({@code torch.optim});</li>
 *   <li>{@link dev.backflow.data}: datasets and the {@code DataLoader} ({@code torch.utils.data});</li>
 *   <li>{@link dev.backflow.train}: a ready training loop, checkpoints and captured steps;</li>
 *   <li>{@link dev.backflow.io}: safetensors files, readable and writable by PyTorch;</li>
 *   <li>{@link dev.backflow.diagnostics}: a monitor that names what is wrong with a training run's gradients;</li>
 *   <li>{@link dev.backflow.amp}: loss scaling and bfloat16 activations ({@code torch.amp});</li>
 *   <li>{@link dev.backflow.backend}: the kernels behind the ops, swappable per thread.</li>
 * </ul>
 */
package dev.backflow;
