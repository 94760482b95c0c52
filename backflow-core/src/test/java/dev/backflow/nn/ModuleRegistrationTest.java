package dev.backflow.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backflow.Backflow;
import dev.backflow.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Layers held in fields, lists and dictionaries are never lost; default generator; builders; self-typed modes. */
class ModuleRegistrationTest {
  /** A PyTorch-style module: layers in fields, no registerModule. */
  static final class Net extends Module {
    final Conv2d conv1 = Conv2d.builder(1, 4, 3).padding(1).build();
    final Linear fc = new Linear(4 * 2 * 2, 3);
    final Tensor scale = Tensor.ones(1).requiresGrad(true);
    final Tensor constant = Tensor.full(2f, 1);            // no grad: not a parameter
    transient Linear borrowed = new Linear(2, 2);           // transient: never registered

    @Override
    public Tensor forward(Tensor x) {
      Tensor h = F.maxPool2d(F.relu(conv1.forward(x)), 2);
      return fc.forward(h.flatten(1)).mul(scale);
    }
  }

  @Test
  void fieldsRegisterThemselvesUnderTheirNamesInDeclarationOrder() {
    Net net = new Net();
    // as PyTorch's named_parameters(): the module's own parameters first, then each child's, in field order
    assertEquals(List.of("scale", "conv1.weight", "conv1.bias", "fc.weight", "fc.bias"),
        List.copyOf(net.namedParameters().keySet()));
    assertSame(net.fc.weight, net.stateDict().get("fc.weight"));
    assertEquals(List.of("conv1", "fc"), List.copyOf(net.children().keySet()));
    assertTrue(net.toString().contains("(fc): Linear(in=16, out=3)"), net.toString());
    assertEquals(5, net.parameters().size(), "the transient layer and the constant are not parameters");
  }

  @Test
  void aRegisteredFieldIsNotRegisteredTwiceAndTiedWeightsAppearOnce() {
    class Tied extends Module {
      final Embedding embed = new Embedding(5, 3);
      final Linear head = registerModule("head", new Linear(3, 5, false));
      final Tensor sharedWeight = embed.weight;   // already held by a child
      @Override public Tensor forward(Tensor x) { return head.forward(embed.forward(x)); }
    }
    Tied t = new Tied();
    assertEquals(List.of("head.weight", "embed.weight"), List.copyOf(t.namedParameters().keySet()));
  }

  @Test
  void modulesInAPlainListAreRefusedWithAPointerToModuleList() {
    class Lost extends Module {
      final List<Linear> layers = new ArrayList<>(List.of(new Linear(2, 2), new Linear(2, 2)));
      @Override public Tensor forward(Tensor x) { return x; }
    }
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Lost().parameters());
    assertTrue(e.getMessage().contains("'layers'") && e.getMessage().contains("ModuleList"), e.getMessage());
  }

  @Test
  void moduleListAndModuleDictRegisterTheirElementsByIndexAndName() {
    class Deep extends Module {
      final ModuleList<Linear> hidden = new ModuleList<>();
      final ModuleDict<Module> heads = new ModuleDict<>();
      Deep() {
        for (int i = 0; i < 3; i++) hidden.add(new Linear(2, 2));
        heads.put("cls", new Linear(2, 4)).put("reg", new Linear(2, 1, false));
      }
      @Override public Tensor forward(Tensor x) {
        for (Linear l : hidden) x = F.relu(l.forward(x));
        return heads.get("cls").forward(x);
      }
    }
    Deep d = new Deep();
    assertEquals(List.of("hidden.0.weight", "hidden.0.bias", "hidden.1.weight", "hidden.1.bias", "hidden.2.weight",
        "hidden.2.bias", "heads.cls.weight", "heads.cls.bias", "heads.reg.weight"), List.copyOf(d.namedParameters().keySet()));
    assertArrayEquals(new int[] {5, 4}, d.forward(Tensor.zeros(5, 2)).shape());
    assertSame(d.hidden.get(-1), d.hidden.get(2));
    assertThrows(IndexOutOfBoundsException.class, () -> d.hidden.get(3));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.heads.get("nope"));
    assertTrue(e.getMessage().contains("[cls, reg]"), e.getMessage());
    assertThrows(UnsupportedOperationException.class, () -> d.hidden.forward(Tensor.zeros(1, 2)));
  }

  @Test
  void manualSeedMakesDefaultInitializationReproducibleAndExplicitGeneratorsStillWork() {
    Backflow.manualSeed(42);
    Linear a = new Linear(4, 3);
    Backflow.manualSeed(42);
    Linear b = new Linear(4, 3);
    assertArrayEquals(a.weight.toArray(), b.weight.toArray());
    Linear c = new Linear(4, 3);
    assertFalse(java.util.Arrays.equals(b.weight.toArray(), c.weight.toArray()), "the generator moves on");
    Backflow.manualSeed(7);
    Linear fromDefault = new Linear(4, 3);
    Linear explicit = new Linear(4, 3, new SplittableRandom(7));
    assertArrayEquals(explicit.weight.toArray(), fromDefault.weight.toArray(),
        "manualSeed(s) then a layer gives the weights of an explicit SplittableRandom(s)");
  }

  @Test
  void conv2dBuilderSetsPaddingWithoutStride() {
    Conv2d conv = Conv2d.builder(2, 6, 3).padding(1).bias(false).rng(new SplittableRandom(1)).build();
    assertArrayEquals(new int[] {1, 6, 5, 5}, conv.forward(Tensor.zeros(1, 2, 5, 5)).shape());
    assertEquals(null, conv.bias);
    assertEquals("Conv2d(2, 6, kernel=3, stride=1, padding=1)", conv.toString());
    Conv2d strided = Conv2d.builder(2, 6, 3).stride(2).build();
    assertArrayEquals(new int[] {1, 6, 2, 2}, strided.forward(Tensor.zeros(1, 2, 5, 5)).shape());
  }

  @Test
  void trainAndEvalReturnTheCallersType() {
    Net net = new Net().eval();
    assertFalse(net.isTraining());
    assertFalse(net.fc.isTraining(), "recursive, reaching field-registered children");
    Net again = net.train();
    assertTrue(again.isTraining() && net.conv1.isTraining());
  }

  @Test
  void nonStrictLoadReportsMissingAndUnexpectedKeys() {
    Net a = new Net(), b = new Net();
    Map<String, Tensor> state = new java.util.LinkedHashMap<>(a.stateDict());
    state.remove("scale");
    state.put("extra.weight", Tensor.zeros(1));
    Module.LoadResult r = b.loadStateDict(state, false);
    assertEquals(List.of("scale"), r.missingKeys());
    assertEquals(List.of("extra.weight"), r.unexpectedKeys());
    assertArrayEquals(a.fc.weight.toArray(), b.fc.weight.toArray());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(state, true));
    assertTrue(e.getMessage().contains("missing key 'scale'") && e.getMessage().contains("unexpected key 'extra.weight'"),
        e.getMessage());
  }
}
