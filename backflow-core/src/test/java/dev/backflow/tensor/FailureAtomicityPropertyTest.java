package dev.backflow.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.backflow.autograd.Autograd;
import dev.backflow.nn.Models;
import dev.backflow.nn.Module;
import dev.backflow.optim.Adam;
import dev.backflow.optim.GradClip;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * A public method that throws leaves every tensor as it found it: values, gradient and state. A half-applied
 * in-place update, a half-loaded model or optimizer would be silent corruption, the worst kind of bug.
 */
class FailureAtomicityPropertyTest {

  static Tensor random(SplittableRandom r, int... shape) {
    int n = 1;
    for (int s : shape) n *= s;
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
    return Tensor.of(v, shape);
  }

  static int[] randomShape(SplittableRandom r) {
    int[] s = new int[1 + r.nextInt(3)];
    for (int i = 0; i < s.length; i++) s[i] = 1 + r.nextInt(4);
    return s;
  }

  @Property(tries = 200)
  void inPlaceOpsThatThrowChangeNothing(@ForAll long seed, @ForAll @IntRange(min = 0, max = 6) int op) {
    SplittableRandom r = new SplittableRandom(seed);
    Tensor base = random(r, randomShape(r));
    Tensor target = r.nextBoolean() || base.dim() < 2 ? base : base.mT(); // sometimes a strided view of it
    Tensor other = random(r, randomShape(r));
    float[] before = base.toArray();
    try {
      switch (op) {
        case 0: target.add_(other); break;
        case 1: target.sub_(other); break;
        case 2: target.mul_(other); break;
        case 3: target.div_(other); break;
        case 4: target.copy_(other); break;
        case 5: base.requiresGrad(true); base.add_(1f); break;  // a leaf that requires grad, with grad mode on
        default: target.setGrad(other); break;
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      assertArrayEquals(before, base.toArray(), 0f, e.getMessage());
      if (op == 6) assertSame(null, target.grad());
    }
  }

  @Property(tries = 60)
  void loadStateDictThatThrowsLeavesTheModelUnchanged(@ForAll long seed, @ForAll @IntRange(min = 0, max = 2) int damage) {
    SplittableRandom r = new SplittableRandom(seed);
    Module model = Models.toyMlp(new int[] {3 + r.nextInt(4)}, "tanh", 2, seed);
    Map<String, Tensor> state = new LinkedHashMap<>();
    for (Map.Entry<String, Tensor> e : Models.toyMlp(new int[] {model.parameters().get(0).shape(0)}, "tanh", 2, seed + 1)
        .stateDict().entrySet()) {
      state.put(e.getKey(), e.getValue());
    }
    List<String> keys = new ArrayList<>(state.keySet());
    String victim = keys.get(r.nextInt(keys.size()));
    switch (damage) {
      case 0: state.remove(victim); break;
      case 1: state.put("extra.weight", Tensor.zeros(2)); break;
      default: state.put(victim, Tensor.zeros(state.get(victim).numel() + 1)); break;
    }
    List<float[]> before = new ArrayList<>();
    for (Tensor t : model.stateDict().values()) before.add(t.toArray());
    assertThrows(IllegalArgumentException.class, () -> model.loadStateDict(state));
    List<Tensor> after = new ArrayList<>(model.stateDict().values());
    for (int i = 0; i < before.size(); i++) assertArrayEquals(before.get(i), after.get(i).toArray(), 0f);
  }

  @Property(tries = 60)
  void optimizerStateThatDoesNotFitIsRefusedBeforeAnyStep(@ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Module model = Models.toyMlp(new int[] {4}, "relu", 2, seed);
    Adam adam = new Adam(model.parameters(), 0.01);
    Tensor p = model.parameters().get(r.nextInt(model.parameters().size()));
    Map<String, Tensor> wrong = Map.of("exp_avg", Tensor.zeros(p.numel() + 1), "exp_avg_sq", Tensor.zeros(p.numel() + 1));
    assertThrows(IllegalArgumentException.class, () -> adam.setState(p, wrong));
    assertSame(0, adam.stateOf(p).size());
  }

  @Property(tries = 40)
  void clippingWithABadBoundLeavesTheGradientsUnchanged(@ForAll long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Module model = Models.toyMlp(new int[] {4}, "relu", 2, seed);
    model.forward(random(r, 5, 2)).sum().backward();
    List<float[]> before = new ArrayList<>();
    for (Tensor p : model.parameters()) before.add(p.grad().toArray());
    assertThrows(IllegalArgumentException.class, () -> GradClip.clipGradNorm(model.parameters(), r.nextBoolean() ? 0 : -1));
    for (int i = 0; i < before.size(); i++) assertArrayEquals(before.get(i), model.parameters().get(i).grad().toArray(), 0f);
    try (var g = Autograd.noGrad()) {
      assertThrows(IllegalArgumentException.class, () -> GradClip.clipGradValue(model.parameters(), Double.NaN));
    }
  }
}
