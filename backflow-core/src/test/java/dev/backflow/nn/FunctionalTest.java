package dev.backflow.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backflow.autograd.Autograd;
import dev.backflow.ops.Convolutions;
import dev.backflow.ops.Losses;
import dev.backflow.ops.Reduction;
import dev.backflow.tensor.Tensor;
import java.net.URI;
import java.util.List;
import java.util.SplittableRandom;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/** F delegates to the op families with PyTorch's names and defaults; the small overloads; no-grad lambdas. */
class FunctionalTest {
  private final Tensor x = Tensor.randn(new SplittableRandom(1), 2, 3, 4, 4);

  @Test
  void functionalFormsMatchTheOpsTheyDelegateTo() {
    assertArrayEquals(x.relu().toArray(), F.relu(x).toArray());
    assertArrayEquals(Convolutions.maxPool2d(x, 2).toArray(), F.maxPool2d(x, 2).toArray());
    assertArrayEquals(x.softmax(1).toArray(), F.softmax(x, 1).toArray());
    Tensor w = Tensor.randn(new SplittableRandom(2), 5, 3, 3, 3);
    assertArrayEquals(Convolutions.conv2d(x, w, null, 1, 1, 1, 1).toArray(), F.conv2d(x, w, null, 1, 1).toArray());
    assertArrayEquals(x.toArray(), F.dropout(x, 0.5f, false).toArray(), "dropout in eval is the identity");
    Tensor lin = F.linear(Tensor.ones(2, 3), Tensor.ones(4, 3), Tensor.zeros(4));
    assertArrayEquals(new float[] {3, 3, 3, 3, 3, 3, 3, 3}, lin.toArray());
    assertEquals(0f, F.mseLoss(x, x).item());
  }

  @Test
  void crossEntropyTakesTensorTargetsWithAnyReduction() {
    Tensor logits = Tensor.randn(new SplittableRandom(3), 4, 3);
    Tensor targets = Tensor.of(new float[] {0, 2, 1, 2}, 4);
    int[] ints = {0, 2, 1, 2};
    assertEquals(Losses.crossEntropy(logits, ints).item(), F.crossEntropy(logits, targets).item(), 1e-6f);
    assertEquals(Losses.crossEntropy(logits, ints, Losses.NO_IGNORE, 0f, Reduction.SUM).item(),
        F.crossEntropy(logits, targets, Reduction.SUM).item(), 1e-5f);
    assertArrayEquals(new int[] {4}, F.crossEntropy(logits, targets, Reduction.NONE).shape());
    assertEquals(Losses.crossEntropy(logits, ints, 2, 0.1f, Reduction.MEAN).item(),
        F.crossEntropy(logits, targets, 2, 0.1f, Reduction.MEAN).item(), 1e-6f);
  }

  @Test
  void eqOfAFloatAndFlattenFromADim() {
    Tensor pred = Tensor.of(new float[] {1, 2, 2, 0}, 4);
    assertArrayEquals(new float[] {0, 1, 1, 0}, pred.eq(2f).toArray());
    assertArrayEquals(new float[] {0, 1, 1, 0}, pred.ge(2f).toArray());
    assertArrayEquals(new float[] {1, 0, 0, 1}, pred.le(1f).toArray());
    assertArrayEquals(new int[] {2, 48}, x.flatten(1).shape());
    assertArrayEquals(new int[] {2, 3, 16}, x.flatten(2).shape());
  }

  @Test
  void noGradLambdasRecordNothingAndRestoreTheMode() {
    Tensor w = Tensor.ones(2).requiresGrad(true);
    Tensor y = Autograd.noGrad(() -> w.mul(3f));
    assertFalse(y.requiresGrad());
    Autograd.noGrad(() -> {
      w.sub_(Tensor.ones(2));
    });
    assertTrue(Autograd.isGradEnabled());
    assertArrayEquals(new float[] {0, 0}, w.toArray());
    assertTrue(w.mul(2f).requiresGrad());
  }

  @Test
  void noGradLambdaCompilesWithoutWarningsUnderXlintAll() {
    String src = "import dev.backflow.autograd.Autograd;\nimport dev.backflow.tensor.Tensor;\n"
        + "class Loop {\n  static Tensor eval(Tensor w, Tensor x) {\n"
        + "    Autograd.noGrad(() -> { w.sub_(w.mul(0.1f)); });\n"
        + "    return Autograd.noGrad(() -> x.matmul(w));\n  }\n}\n";
    DiagnosticCollector<JavaFileObject> d = new DiagnosticCollector<>();
    JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///Loop.java"), JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return src;
      }
    };
    ToolProvider.getSystemJavaCompiler().getTask(null, null, d, List.of("-Xlint:all", "-proc:none", "-classpath",
        dev.backflow.TestClassPath.get(), "-d", System.getProperty("java.io.tmpdir")), null, List.of(file)).call();
    assertTrue(d.getDiagnostics().stream().noneMatch(x -> x.getKind() != Diagnostic.Kind.NOTE), d.getDiagnostics().toString());
  }
}
