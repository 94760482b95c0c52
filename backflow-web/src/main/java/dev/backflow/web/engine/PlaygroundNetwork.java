package dev.backflow.web.engine;

import dev.backflow.autograd.Autograd;
import dev.backflow.nn.Activation;
import dev.backflow.nn.Init;
import dev.backflow.nn.Linear;
import dev.backflow.tensor.Tensor;
import dev.backflow.web.setup.ActivationKind;
import dev.backflow.web.setup.Dataset;
import dev.backflow.web.setup.Feature;
import dev.backflow.web.setup.InitKind;
import dev.backflow.web.setup.Setup;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A fully connected network built from the engine's own {@link Linear} and {@link Activation} modules.
 * It runs its layers one by one rather than as a Sequential so that every layer's z and a can be kept
 * for the page (and their gradients retained for the backprop stepper). Points enter as (x1, x2) and are
 * turned into the set-up's input features first, so data, heatmaps and traces all pass plain points.
 */
public final class PlaygroundNetwork {
  private final List<Linear> layers;
  private final List<ActivationKind> activations;
  private final List<Activation> modules = new ArrayList<>();
  /** The input features computed from each 2-D point; null when the network reads its inputs as they are. */
  private final List<Feature> features;

  private PlaygroundNetwork(List<Linear> layers, List<ActivationKind> activations, List<Feature> features) {
    this.layers = List.copyOf(layers);
    this.activations = List.copyOf(activations);
    this.features = features;
    for (ActivationKind k : activations) modules.add(k.module());
  }

  /** The set-up's network, with its initial weights drawn from the set-up's seed. */
  public static PlaygroundNetwork build(Setup s) {
    int[] sizes = s.layerSizes();
    List<ActivationKind> acts = new ArrayList<>(s.activations());
    acts.add(s.outputActivation());
    SplittableRandom rng = new SplittableRandom(s.seed() * 1_000_003L + 11);
    List<Linear> layers = new ArrayList<>();
    for (int l = 0; l + 1 < sizes.length; l++) {
      Linear linear = new Linear(sizes[l], sizes[l + 1], rng);
      initialize(linear, s.init(), acts.get(l), rng);
      layers.add(linear);
    }
    if (s.dataset() == Dataset.NEURON) {
      // The worked example's own starting point: w = 0.5, b = 0.1.
      try (var g = Autograd.noGrad()) {
        layers.get(0).weight.fill_(0.5f);
        layers.get(0).bias.fill_(0.1f);
      }
    }
    boolean raw = s.dataset().inputs() == 1 || s.features().equals(Feature.COORDINATES);
    return new PlaygroundNetwork(layers, acts, raw ? null : s.features());
  }

  private static void initialize(Linear linear, InitKind init, ActivationKind act, SplittableRandom rng) {
    if (init == InitKind.PYTORCH) return; // Linear's constructor already did it
    int[] shape = linear.weight.shape();
    double gain = Init.gain(act == ActivationKind.LINEAR ? "linear" : act.id, 0.01);
    Tensor w = init == InitKind.XAVIER ? Init.xavierUniform(rng, gain, shape) : Init.kaimingNormal(rng, gain, shape);
    try (var g = Autograd.noGrad()) {
      linear.weight.copy_(w);
      linear.bias.fill_(0f);
    }
  }

  /**
   * Runs the layers on {@code x} [examples, inputs]. With {@code retain}, every z and a keeps its
   * gradient after backward (PyTorch's retain_grad), which is how the stepper reads ∂L/∂z and ∂L/∂a.
   */
  public ForwardPass forward(Tensor x, boolean retain) {
    List<Tensor> zs = new ArrayList<>(), as = new ArrayList<>();
    Tensor in = features(x);
    Tensor a = in;
    for (int l = 0; l < layers.size(); l++) {
      Tensor z = layers.get(l).forward(a);
      if (retain && z.requiresGrad()) z.retainGrad();
      Activation f = modules.get(l);
      a = f == null ? z : f.forward(z);
      if (retain && a != z && a.requiresGrad()) a.retainGrad();
      zs.add(z);
      as.add(a);
    }
    return new ForwardPass(in, zs, as);
  }

  /** The features of points x [examples, 2]: data, not parameters, so they are computed once as plain numbers. */
  Tensor features(Tensor x) {
    if (features == null) return x;
    int n = x.shape(0), k = features.size();
    float[] p = x.toArray(), out = new float[n * k];
    for (int i = 0; i < n; i++) {
      for (int f = 0; f < k; f++) out[i * k + f] = features.get(f).of(p[2 * i], p[2 * i + 1]);
    }
    return Tensor.of(out, n, k);
  }

  /** A forward pass that records nothing, for evaluation and heatmaps. */
  public ForwardPass evaluate(Tensor x) {
    try (var g = Autograd.noGrad()) {
      return forward(x, false);
    }
  }

  /**
   * ∂a/∂z of layer {@code layer} at {@code z}, element by element, from the engine's own backward rule
   * for the activation: a fresh leaf z, a = f(z), backward with a seed of ones.
   */
  public Tensor localDerivative(int layer, Tensor z) {
    Activation f = modules.get(layer);
    if (f == null) return Tensor.onesLike(z);
    Tensor leaf = Tensor.of(z.toArray(), z.shape()).requiresGrad(true);
    Tensor a = f.forward(leaf);
    a.backward(Tensor.onesLike(a));
    return leaf.grad();
  }

  public List<Linear> layers() {
    return layers;
  }

  public ActivationKind activation(int layer) {
    return activations.get(layer);
  }

  public int depth() {
    return layers.size();
  }

  /** W1, b1, W2, b2, ... in layer order. */
  public List<Tensor> parameters() {
    List<Tensor> out = new ArrayList<>();
    for (Linear l : layers) {
      out.add(l.weight);
      out.add(l.bias);
    }
    return out;
  }

  public List<Tensor> weights() {
    List<Tensor> out = new ArrayList<>();
    for (Linear l : layers) out.add(l.weight);
    return out;
  }

  public boolean isFinite() {
    for (Tensor p : parameters()) if (!p.isFinite()) return false;
    return true;
  }
}
