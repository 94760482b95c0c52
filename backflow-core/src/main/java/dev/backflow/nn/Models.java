package dev.backflow.nn;

import java.util.SplittableRandom;

/** The reference networks of the docs and benchmarks, built from a seed. */
public final class Models {
  private Models() {}

  /**
   * Fashion-MNIST MLP 784-256-128-10 with ReLU.
   * Takes flattened images {@code [N, 784]} to logits {@code [N, 10]}.
   *
   * @param seed the seed of the initial weights; the same seed gives the same model
   * @return a new model in training mode
   */
  public static Sequential fashionMlp(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    return new Sequential(new Linear(784, 256, rng), Activation.relu(), new Linear(256, 128, rng), Activation.relu(),
        new Linear(128, 10, rng));
  }

  /**
   * Fashion-MNIST CNN: conv3x3(32)+ReLU+pool, conv3x3(64)+ReLU+pool, fc128+ReLU, fc10 (input [N, 1, 28, 28]).
   * Takes images {@code [N, 1, 28, 28]} to logits {@code [N, 10]}.
   *
   * @param seed the seed of the initial weights; the same seed gives the same model
   * @return a new model in training mode
   */
  public static Sequential fashionCnn(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    return new Sequential(
        new Conv2d(1, 32, 3, 1, 1, rng), Activation.relu(), new MaxPool2d(2),
        new Conv2d(32, 64, 3, 1, 1, rng), Activation.relu(), new MaxPool2d(2),
        new Flatten(), new Linear(64 * 7 * 7, 128, rng), Activation.relu(), new Linear(128, 10, rng));
  }

  /**
   * A small MLP for 2-D toy data: 2 -> hidden... -> classes.
   * Takes points {@code [N, 2]} to logits {@code [N, classes]}.
   *
   * @param hidden the width of each hidden layer, first to last (empty for a linear model)
   * @param activation the activation after each hidden layer, by name (see {@link Activation#named})
   * @param classes the number of outputs
   * @param seed the seed of the initial weights; the same seed gives the same model
   * @return a new model in training mode
   * @throws IllegalArgumentException if the activation's name is unknown
   */
  public static Sequential toyMlp(int[] hidden, String activation, int classes, long seed) {
    return toyMlp(2, hidden, activation, classes, seed);
  }

  /**
   * A small MLP: inputs -> hidden... -> outputs (the toy regression set has 1 input and 1 output).
   * Takes {@code [N, inputs]} to {@code [N, outputs]}.
   *
   * @param inputs the number of input features
   * @param hidden the width of each hidden layer, first to last (empty for a linear model)
   * @param activation the activation after each hidden layer, by name (see {@link Activation#named})
   * @param outputs the number of outputs
   * @param seed the seed of the initial weights; the same seed gives the same model
   * @return a new model in training mode
   * @throws IllegalArgumentException if the activation's name is unknown
   */
  public static Sequential toyMlp(int inputs, int[] hidden, String activation, int outputs, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    Sequential s = new Sequential();
    int in = inputs;
    for (int h : hidden) {
      s.add(new Linear(in, h, rng)).add(Activation.named(activation));
      in = h;
    }
    return s.add(new Linear(in, outputs, rng));
  }

  /**
   * The character GPT of the benchmarks: 4 layers, 4 heads, d_model 128, context 64.
   * No dropout. Takes token indices {@code [B, T]} ({@code T <= 64}) to logits {@code [B, T, vocab]}.
   *
   * @param vocab the number of distinct characters
   * @param seed the seed of the initial weights; the same seed gives the same model
   * @return a new model in training mode
   */
  public static Gpt charGpt(int vocab, long seed) {
    return new Gpt(vocab, 64, 128, 4, 4, 0f, new SplittableRandom(seed));
  }
}
