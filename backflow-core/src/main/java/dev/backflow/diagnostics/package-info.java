/**
 * Says what is wrong with a training run's gradients, in which layer, and how to fix it.
 *
 * <p>A {@link dev.backflow.diagnostics.GradientMonitor} samples each layer's gradient and weight norms, its
 * update-to-weight ratio and its activations (dead ReLUs, saturated sigmoids), and turns them into
 * {@link dev.backflow.diagnostics.Finding findings}: vanishing or exploding gradients, dead units, a learning
 * rate too high or too low, a stalled or NaN loss, each with its remedies.
 * {@link dev.backflow.diagnostics.Demonstrations} reproduces each failure beside its cure.
 */
package dev.backflow.diagnostics;
