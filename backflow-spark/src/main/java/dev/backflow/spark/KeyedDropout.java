package dev.backflow.spark;

import dev.backflow.nn.Module;
import dev.backflow.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * Inverted dropout whose mask for an example is a function of (seed, step, global example index) only: not of
 * the worker, the micro-batch the example landed in, its row in that batch, or the thread. That is what makes a
 * data-parallel run with dropout reproducible and independent of how the batch was split. Each row draws from
 * its own generator, seeded by mixing the three keys ({@link DropoutKeys} supplies step and indices).
 */
public final class KeyedDropout extends Module {
  private final float p;
  private final long seed;

  /** {@code seed} tells this layer's masks apart from another layer's (give each layer its own). */
  public KeyedDropout(float p, long seed) {
    if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("KeyedDropout: p must be in [0, 1), got " + p);
    this.p = p;
    this.seed = seed;
  }

  @Override
  public Tensor forward(Tensor x) {
    if (!isTraining() || p == 0f) return x;
    DropoutKeys.Keys keys = DropoutKeys.current();
    if (keys == null) {
      throw new IllegalStateException("KeyedDropout: no step and example indices are bound to this thread; train under "
          + "DataParallelTrainer, or wrap the forward pass in DropoutKeys.bind(step, exampleIndices)");
    }
    int rows = x.shape(0);
    if (keys.examples().length != rows) {
      throw new IllegalStateException("KeyedDropout: the batch has " + rows + " rows but " + keys.examples().length
          + " example indices are bound");
    }
    int per = x.numel() / rows;
    float keep = 1f - p, scale = 1f / keep;
    float[] mask = new float[x.numel()];
    for (int r = 0; r < rows; r++) {
      SplittableRandom rng = new SplittableRandom(mix(seed, keys.step(), keys.examples()[r]));
      for (int i = 0; i < per; i++) mask[r * per + i] = rng.nextFloat() < keep ? scale : 0f;
    }
    return x.mul(Tensor.of(mask, x.shape()));
  }

  /** A 64-bit hash of the three keys (SplitMix64's finalizer between rounds). */
  static long mix(long seed, long step, long example) {
    long h = seed;
    h = fmix(h ^ fmix(step + 0x9E3779B97F4A7C15L));
    h = fmix(h ^ fmix(example + 0xC2B2AE3D27D4EB4FL));
    return h;
  }

  private static long fmix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  @Override
  protected String extraRepr() {
    return "p=" + p + ", keyed by (seed, step, example)";
  }
}
