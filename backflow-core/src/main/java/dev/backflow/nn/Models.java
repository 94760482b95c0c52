package dev.backflow.nn;

import java.util.SplittableRandom;

/** The reference networks of the docs and benchmarks, built from a seed. */
public final class Models {
  private Models() {}

  /** Fashion-MNIST MLP 784-256-128-10 with ReLU. */
  public static Sequential fashionMlp(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    return new Sequential(new Linear(784, 256, rng), Activation.relu(), new Linear(256, 128, rng), Activation.relu(),
        new Linear(128, 10, rng));
  }

  /** Fashion-MNIST CNN: conv3x3(32)+ReLU+pool, conv3x3(64)+ReLU+pool, fc128+ReLU, fc10 (input [N, 1, 28, 28]). */
  public static Sequential fashionCnn(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    return new Sequential(
        new Conv2d(1, 32, 3, 1, 1, rng), Activation.relu(), new MaxPool2d(2),
        new Conv2d(32, 64, 3, 1, 1, rng), Activation.relu(), new MaxPool2d(2),
        new Flatten(), new Linear(64 * 7 * 7, 128, rng), Activation.relu(), new Linear(128, 10, rng));
  }

  /** A small MLP for 2-D toy data: 2 -> hidden... -> classes. */
  public static Sequential toyMlp(int[] hidden, String activation, int classes, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    Sequential s = new Sequential();
    int in = 2;
    for (int h : hidden) {
      s.add(new Linear(in, h, rng)).add(Activation.named(activation));
      in = h;
    }
    return s.add(new Linear(in, classes, rng));
  }

  /** The character GPT of the benchmarks: 4 layers, 4 heads, d_model 128, context 64. */
  public static Gpt charGpt(int vocab, long seed) {
    return new Gpt(vocab, 64, 128, 4, 4, 0f, new SplittableRandom(seed));
  }
}
