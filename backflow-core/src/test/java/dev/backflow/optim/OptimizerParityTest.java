package dev.backflow.optim;

import static dev.backflow.TorchFixtures.assertClose;
import static dev.backflow.TorchFixtures.ints;
import static dev.backflow.TorchFixtures.tensor;
import static dev.backflow.TorchFixtures.tensors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.backflow.TorchFixtures;
import dev.backflow.nn.Activation;
import dev.backflow.nn.Linear;
import dev.backflow.nn.Sequential;
import dev.backflow.ops.Losses;
import dev.backflow.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Optimizers, learning-rate schedules and gradient clipping against torch.optim and torch.nn.utils.
 *
 * <p>The fixture {@code fixtures/torch_optim.json} is written by {@code tools/torch_optim_reference.py}
 * (regenerate with {@code /usr/bin/python3 tools/torch_optim_reference.py}). Every optimizer run starts
 * an MLP Sequential(Linear(5, 4), Tanh(), Linear(4, 3)) from PyTorch's initial parameters (loaded with
 * loadStateDict) and takes 10 full-batch cross-entropy steps; the loss before each step and every
 * parameter after each step must match PyTorch within rtol 1e-5 and atol 1e-6.
 */
class OptimizerParityTest {
  private static final String FIXTURE = "/fixtures/torch_optim.json";
  private static final double RTOL = 1e-5, ATOL = 1e-6;

  private static JsonNode doc;

  @BeforeAll
  static void load() {
    doc = TorchFixtures.load(FIXTURE, "tools/torch_optim_reference.py");
  }

  @Test
  void fixtureCoversEveryOptimizerConfigurationScheduleAndClipping() {
    Set<String> names = new HashSet<>();
    for (String section : List.of("optimizers", "schedules", "clipping")) {
      for (JsonNode e : doc.get(section)) assertTrue(names.add(e.get("name").asText()), "duplicate " + e.get("name"));
    }
    for (String n : List.of("sgd_plain", "sgd_momentum", "sgd_momentum_dampening", "sgd_nesterov", "sgd_weight_decay",
        "sgd_momentum_weight_decay", "sgd_param_groups", "sgd_momentum_steplr", "rmsprop_plain", "rmsprop_momentum",
        "rmsprop_centered", "rmsprop_centered_momentum", "rmsprop_weight_decay", "rmsprop_alpha_eps", "adam_plain",
        "adam_weight_decay", "adam_betas_eps", "adamw_default", "adamw_strong_decay", "steplr_3_0.5", "cosine_10_0.001",
        "clip_grad_norm_norm_clips", "clip_grad_norm_norm_below_max_unchanged", "clip_grad_value_half")) {
      assertTrue(names.contains(n), "fixture lacks " + n + "; regenerate it");
    }
    for (JsonNode run : doc.get("optimizers")) {
      assertEquals(doc.get("steps").asInt(), run.get("steps").size(), run.get("name") + ": steps");
      assertEquals(10, run.get("losses").size(), run.get("name") + ": losses");
    }
  }

  // ===================================================================================================
  // Optimizers

  @TestFactory
  Stream<DynamicTest> optimizerTrajectoriesMatchTorchOptimForTenSteps() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode run : doc.get("optimizers")) {
      tests.add(DynamicTest.dynamicTest(run.get("name").asText(), () -> replay(run)));
    }
    return tests.stream();
  }

  private static void replay(JsonNode run) {
    String name = run.get("name").asText();
    JsonNode problem = doc.get("problem");
    Sequential model = new Sequential(new Linear(5, 4, new SplittableRandom(1)), Activation.tanh(),
        new Linear(4, 3, new SplittableRandom(2)));
    model.loadStateDict(tensors(problem.get("params")));
    Map<String, Tensor> params = model.namedParameters();
    Tensor inputs = tensor(problem.get("inputs"));
    int[] targets = ints(problem.get("targets"));

    Optimizer opt = optimizer(run, params);
    JsonNode sched = run.get("scheduler");
    LrScheduler scheduler = sched == null ? null
        : LrScheduler.stepLr(opt, sched.get("step_size").asLong(), sched.get("gamma").asDouble());

    for (int step = 0; step < run.get("steps").size(); step++) {
      opt.zeroGrad();
      Tensor loss = Losses.crossEntropy(model.forward(inputs), targets);
      assertClose(name + ": loss before step " + (step + 1), run.get("losses").get(step).asDouble(), loss.item(),
          RTOL, ATOL);
      loss.backward();
      opt.step();
      if (scheduler != null) scheduler.step();
      JsonNode expected = run.get("steps").get(step);
      for (var e : params.entrySet()) {
        assertClose(name + ": " + e.getKey() + " after step " + (step + 1), expected.get(e.getKey()), e.getValue(),
            RTOL, ATOL);
      }
    }
  }

  /** The Backflow optimizer of a fixture run, its groups holding the named parameters. */
  private static Optimizer optimizer(JsonNode run, Map<String, Tensor> params) {
    JsonNode o = run.get("options");
    List<ParamGroup> groups = new ArrayList<>();
    for (JsonNode g : run.get("groups")) {
      List<Tensor> ps = new ArrayList<>();
      for (JsonNode n : g.get("params")) ps.add(params.get(n.asText()));
      groups.add(new ParamGroup(ps, g.get("lr").asDouble(), g.get("weight_decay").asDouble()));
    }
    ParamGroup only = groups.get(0);
    String kind = run.get("optimizer").asText();
    switch (kind) {
      case "sgd":
        return new Sgd(groups, o.get("momentum").asDouble(), o.get("dampening").asDouble(), o.get("nesterov").asBoolean());
      case "rmsprop":
        assertEquals(1, groups.size(), "RmsProp takes one group");
        return new RmsProp(only.params(), only.lr(), o.get("alpha").asDouble(), o.get("eps").asDouble(),
            only.weightDecay(), o.get("momentum").asDouble(), o.get("centered").asBoolean());
      case "adam":
        assertEquals(1, groups.size(), "Adam takes one group");
        return new Adam(only.params(), only.lr(), o.get("betas").get(0).asDouble(), o.get("betas").get(1).asDouble(),
            o.get("eps").asDouble(), only.weightDecay());
      case "adamw":
        return new AdamW(groups, o.get("betas").get(0).asDouble(), o.get("betas").get(1).asDouble(), o.get("eps").asDouble());
      default:
        throw new AssertionError("unknown optimizer " + kind);
    }
  }

  @Test
  void adamWDefaultWeightDecayIsTorchsPointZeroOne() {
    Tensor p = Tensor.zeros(2).requiresGrad(true);
    AdamW opt = new AdamW(List.of(p), 1e-3);
    assertEquals(0.01, opt.paramGroups().get(0).weightDecay());
    JsonNode run = find(doc.get("optimizers"), "adamw_default");
    assertEquals(0.01, run.get("groups").get(0).get("weight_decay").asDouble());
  }

  // ===================================================================================================
  // Learning-rate schedules (learning rates are doubles in both libraries: compare to 1e-9)

  @TestFactory
  Stream<DynamicTest> learningRateSchedulesMatchStepLrAndCosineAnnealingLr() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode s : doc.get("schedules")) {
      tests.add(DynamicTest.dynamicTest(s.get("name").asText(), () -> {
        double lr = s.get("lr").asDouble();
        JsonNode p = s.get("params");
        Optimizer opt = new Sgd(List.of(Tensor.zeros(1).requiresGrad(true)), lr);
        LrScheduler sched;
        switch (s.get("type").asText()) {
          case "step":
            sched = LrScheduler.stepLr(opt, p.get("step_size").asLong(), p.get("gamma").asDouble());
            break;
          case "cosine":
            sched = LrScheduler.cosine(opt, p.get("t_max").asLong(), p.get("eta_min").asDouble() / lr);
            break;
          default:
            throw new AssertionError("unknown schedule " + s.get("type"));
        }
        JsonNode lrs = s.get("lrs");
        for (int epoch = 0; epoch < lrs.size(); epoch++) {
          assertClose(s.get("name").asText() + ": lr of epoch " + epoch, lrs.get(epoch).asDouble(), sched.currentLr(),
              1e-9, 1e-12);
          assertEquals(sched.currentLr(), opt.paramGroups().get(0).lr(), "the scheduler sets the group's lr");
          sched.step();
        }
      }));
    }
    return tests.stream();
  }

  // ===================================================================================================
  // Gradient clipping

  @TestFactory
  Stream<DynamicTest> gradientClippingMatchesClipGradNormAndClipGradValue() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : doc.get("clipping")) {
      String name = c.get("name").asText();
      tests.add(DynamicTest.dynamicTest(name, () -> {
        List<Tensor> params = new ArrayList<>();
        for (JsonNode g : c.get("grads")) {
          Tensor p = Tensor.zeros(ints(g.get("shape"))).requiresGrad(true);
          p.setGrad(tensor(g));
          params.add(p);
        }
        if (c.get("type").asText().equals("norm")) {
          double total = GradClip.clipGradNorm(params, c.get("max_norm").asDouble());
          assertClose(name + ": returned total norm", c.get("total_norm").asDouble(), total, RTOL, ATOL);
        } else {
          GradClip.clipGradValue(params, c.get("clip_value").asDouble());
        }
        for (int i = 0; i < params.size(); i++) {
          assertClose(name + ": grad " + i, c.get("clipped").get(i), params.get(i).grad(), RTOL, ATOL);
        }
      }));
    }
    return tests.stream();
  }

  private static JsonNode find(JsonNode array, String name) {
    for (JsonNode e : array) if (e.get("name").asText().equals(name)) return e;
    throw new AssertionError("fixture has no " + name);
  }
}
