/**
 * The worked examples of the documentation, computed by the engine rather than by hand: backpropagation
 * through {@link dev.backflow.examples.SingleNeuron one sigmoid neuron} (and the
 * {@link dev.backflow.examples.ArticleRounding rounding} articles apply to it), the
 * {@link dev.backflow.examples.XorNetwork XOR network} trained both by hand-written backward and by autograd,
 * and {@link dev.backflow.examples.GradientCost} measuring why backpropagation beats finite differences.
 */
package dev.backflow.examples;
