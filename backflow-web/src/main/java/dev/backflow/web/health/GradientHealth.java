package dev.backflow.web.health;

import dev.backflow.autograd.Autograd;
import dev.backflow.nn.Init;
import dev.backflow.nn.Linear;
import dev.backflow.ops.Losses;
import dev.backflow.optim.GradClip;
import dev.backflow.optim.Sgd;
import dev.backflow.tensor.Tensor;
import dev.backflow.web.engine.ForwardPass;
import dev.backflow.web.engine.PlaygroundNetwork;
import dev.backflow.web.setup.ActivationKind;
import dev.backflow.web.setup.Dataset;
import dev.backflow.web.setup.InitKind;
import dev.backflow.web.setup.LossKind;
import dev.backflow.web.setup.OptimizerKind;
import dev.backflow.web.setup.Regularization;
import dev.backflow.web.setup.Setup;
import dev.backflow.web.engine.PlaygroundData;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Trains small deep networks with the engine and watches their gradients, to show three things side
 * by side: gradients vanish layer by layer in a deep sigmoid network and flow in a ReLU network with He
 * initialization; ReLUs can die; and clipping the gradient norm tames a set-up whose gradients explode.
 * All runs are full-batch SGD on the circles data.
 */
public final class GradientHealth {
  /** The exploding set-up starts with weights this many times He's standard deviation. */
  static final double EXPLODING_SCALE = 1.5;

  private GradientHealth() {}

  public static HealthReport run(HealthRequest r) {
    Setup sigmoidSetup = setup(r, ActivationKind.SIGMOID, InitKind.PYTORCH);
    Setup reluSetup = setup(r, ActivationKind.RELU, InitKind.HE);
    PlaygroundData data = PlaygroundData.make(sigmoidSetup);
    HealthReport.Run sigmoid = train("sigmoid", "deep sigmoid network, PyTorch's default initialization",
        PlaygroundNetwork.build(sigmoidSetup), data, r, LossKind.CROSS_ENTROPY, r.learningRate(), null);
    HealthReport.Run relu = train("relu", "the same depth with ReLU and He initialization",
        PlaygroundNetwork.build(reluSetup), data, r, LossKind.CROSS_ENTROPY, r.learningRate(), null);
    HealthReport.Run unclipped = train("unclipped", "ReLU, weights " + EXPLODING_SCALE + "× He's scale, no clipping",
        exploding(reluSetup, r), data, r, LossKind.SQUARED, r.learningRate(), null);
    HealthReport.Run clipped = train("clipped", "the same start, gradient norm clipped to " + r.clipNorm(),
        exploding(reluSetup, r), data, r, LossKind.SQUARED, r.learningRate(), r.clipNorm());
    return new HealthReport(r, sigmoid, relu, unclipped, clipped);
  }

  private static Setup setup(HealthRequest r, ActivationKind act, InitKind init) {
    return new Setup(Dataset.CIRCLES, 0.05, 200, 90, r.seed(), Collections.nCopies(r.depth(), r.width()),
        Collections.nCopies(r.depth(), act), OptimizerKind.SGD, r.learningRate(), 200, Regularization.NONE, 0, init,
        LossKind.CROSS_ENTROPY);
  }

  /** The ReLU network re-initialized with weights too large for its depth: activations and gradients grow per layer. */
  private static PlaygroundNetwork exploding(Setup reluSetup, HealthRequest r) {
    PlaygroundNetwork net = PlaygroundNetwork.build(reluSetup);
    SplittableRandom rng = new SplittableRandom(r.seed() + 99);
    try (var g = Autograd.noGrad()) {
      for (Linear l : net.layers()) {
        l.weight.copy_(Init.kaimingNormal(rng, Init.gain("relu", 0) * EXPLODING_SCALE, l.weight.shape()));
      }
    }
    return net;
  }

  private static HealthReport.Run train(String name, String description, PlaygroundNetwork net, PlaygroundData data,
                                        HealthRequest r, LossKind lossKind, double lr, Double clip) {
    List<Tensor> params = net.parameters();
    Sgd sgd = new Sgd(params, lr);
    List<Double> losses = new ArrayList<>(), global = new ArrayList<>();
    List<double[]> norms = new ArrayList<>(), dead = new ArrayList<>();
    Integer divergedAt = null;
    for (int step = 0; step < r.steps(); step++) {
      sgd.zeroGrad();
      ForwardPass f = net.forward(data.trainX, false);
      dead.add(deadFractions(net, f));
      Tensor loss = lossKind == LossKind.CROSS_ENTROPY
          ? Losses.binaryCrossEntropyWithLogits(f.outputZ(), data.trainY)
          : f.outputZ().sub(data.trainY).square().mean();
      double value = loss.item();
      if (!Double.isFinite(value)) {
        divergedAt = step;
        break;
      }
      loss.backward();
      double[] layer = new double[net.depth()];
      for (int l = 0; l < net.depth(); l++) layer[l] = norm(net.layers().get(l).weight.grad());
      double total = clip == null ? GradClip.globalNorm(params) : GradClip.clipGradNorm(params, clip);
      losses.add(value);
      norms.add(layer);
      global.add(total);
      if (!Double.isFinite(total)) {
        divergedAt = step;
        break;
      }
      sgd.step();
    }
    return new HealthReport.Run(name, description, losses, norms, global, dead, divergedAt);
  }

  private static double norm(Tensor g) {
    if (g == null) return 0;
    try (var s = Autograd.noGrad()) {
      return Math.sqrt(g.square().sum().item());
    }
  }

  /** Per hidden layer, the share of units whose activation is 0 on every training point. */
  private static double[] deadFractions(PlaygroundNetwork net, ForwardPass f) {
    double[] out = new double[net.depth() - 1];
    try (var g = Autograd.noGrad()) {
      for (int l = 0; l + 1 < net.depth(); l++) {
        Tensor alive = f.a().get(l).detach().gt(0f).max(0); // 1 where some point activates the unit
        out[l] = 1 - alive.mean().item();
      }
    }
    return out;
  }

}
