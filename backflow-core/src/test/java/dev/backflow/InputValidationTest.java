package dev.backflow;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.backflow.data.DataLoader;
import dev.backflow.data.TensorDataset;
import dev.backflow.data.ToyDatasets;
import dev.backflow.nn.AvgPool2d;
import dev.backflow.nn.BatchNorm1d;
import dev.backflow.nn.LayerNorm;
import dev.backflow.nn.Linear;
import dev.backflow.nn.MaxPool2d;
import dev.backflow.nn.Models;
import dev.backflow.nn.Module;
import dev.backflow.nn.Sequential;
import dev.backflow.optim.Adam;
import dev.backflow.optim.LrScheduler;
import dev.backflow.optim.RmsProp;
import dev.backflow.optim.Sgd;
import dev.backflow.tensor.Tensor;
import dev.backflow.train.LossFunction;
import dev.backflow.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The public entry points of optim, nn, data and train refuse bad arguments up front, with a message that
 * names the argument and the value, rather than failing later somewhere deep inside.
 */
class InputValidationTest {
  private static final SplittableRandom RNG = new SplittableRandom(0);

  private static <T extends Throwable> void assertRefused(Class<T> type, Executable call, String... parts) {
    String m = assertThrows(type, call).getMessage();
    for (String p : parts) assertTrue(m.contains(p), "'" + m + "' does not mention '" + p + "'");
  }

  private static List<Tensor> params() {
    return new Linear(2, 2, RNG).parameters();
  }

  @Test
  void optimizersRefuseBadLearningRatesEmptyOrRepeatedParametersAndBadHyperParameters() {
    assertRefused(IllegalArgumentException.class, () -> new Sgd(params(), 0), "learning rate must be positive", "0.0");
    assertRefused(IllegalArgumentException.class, () -> new Adam(params(), -1e-3), "learning rate must be positive", "-0.001");
    assertRefused(IllegalArgumentException.class, () -> new Sgd(params(), Double.NaN), "learning rate", "NaN");
    assertRefused(IllegalArgumentException.class, () -> new Sgd(List.of(), 0.1), "empty parameter list");
    List<Tensor> twice = new ArrayList<>(params());
    twice.addAll(twice);
    assertRefused(IllegalArgumentException.class, () -> new Adam(twice, 0.1), "listed more than once");
    assertRefused(IllegalArgumentException.class, () -> new Sgd(params(), 0.1, Double.NaN, 0, 0, false), "momentum", "NaN");
    assertRefused(IllegalArgumentException.class, () -> new Sgd(params(), 0.1, 0.9, 2, 0, false), "dampening", "2.0");
    assertRefused(IllegalArgumentException.class, () -> new RmsProp(params(), 0.1, 0.9, -1, 0, 0, false), "eps", "-1.0");
    assertRefused(IllegalArgumentException.class, () -> new RmsProp(params(), 0.1, 0.9, 1e-8, 0, -1, false), "momentum", "-1.0");
    assertRefused(IllegalArgumentException.class, () -> new Adam(params(), 0.1, 1.0, 0.999, 1e-8, 0), "betas");
  }

  @Test
  void schedulesRefuseFactorsThatWouldMakeTheLearningRateNegativeOrZero() {
    Sgd opt = new Sgd(params(), 0.1);
    assertRefused(IllegalArgumentException.class, () -> LrScheduler.stepLr(opt, 10, 0), "gamma must be a positive number, got 0.0");
    assertRefused(IllegalArgumentException.class, () -> LrScheduler.stepLr(opt, 0, 0.5), "stepSize must be positive");
    assertRefused(IllegalArgumentException.class, () -> LrScheduler.cosine(opt, 100, -1), "minFactor must be in [0, 1]", "-1.0");
    assertRefused(IllegalArgumentException.class, () -> LrScheduler.warmupThenCosine(opt, 10, 5, 0), "warmup 10 and total 5");
  }

  @Test
  void modulesRefuseImpossibleSizesAndInputsOfTheWrongShape() {
    assertRefused(IllegalArgumentException.class, () -> new Linear(0, 3, RNG), "sizes must be positive", "in=0");
    assertRefused(IllegalArgumentException.class, () -> new Linear(3, 2, RNG).forward(Tensor.zeros(4, 2)),
        "Linear(in=3, out=2)", "[4, 2]", "does not end in 3 features");
    assertRefused(IllegalArgumentException.class, () -> new BatchNorm1d(0), "BatchNorm1d", "features must be positive");
    assertRefused(IllegalArgumentException.class, () -> new LayerNorm(0), "LayerNorm", "features must be positive");
    assertRefused(IllegalArgumentException.class, () -> new MaxPool2d(0), "MaxPool2d", "kernel 0");
    assertRefused(IllegalArgumentException.class, () -> new AvgPool2d(2, 0, 0), "AvgPool2d", "stride 0");
    assertRefused(IndexOutOfBoundsException.class, () -> new Sequential(new Linear(2, 2, RNG)).get(5), "no layer 5", "1 layers");
  }

  @Test
  void dataRefusesEmptyDatasetsZeroBatchesAndMismatchedExamples() {
    assertRefused(IllegalArgumentException.class, () -> new DataLoader(ToyDatasets.xor(), 0, false, 0), "batch size must be positive, got 0");
    assertRefused(IllegalArgumentException.class, () -> new DataLoader(new TensorDataset(Tensor.zeros(0, 2), Tensor.zeros(0)), 8, false, 0),
        "the dataset is empty");
    assertRefused(IllegalArgumentException.class, () -> new TensorDataset(Tensor.zeros(3, 2), Tensor.zeros(4)), "[3, 2]", "[4]");
    assertRefused(IllegalArgumentException.class, () -> ToyDatasets.xor().head(0), "must be positive, got 0");
    assertRefused(IllegalArgumentException.class, () -> ToyDatasets.spirals(0, 0.1, 0), "dataset size must be positive");
  }

  @Test
  void trainingRefusesMissingPiecesAndLabelsOutOfRange() {
    Module model = Models.toyMlp(new int[] {4}, "relu", 2, 0);
    assertRefused(NullPointerException.class, () -> new Trainer(model, null, LossFunction.crossEntropy()), "optimizer is null");
    Trainer t = new Trainer(model, new Sgd(model.parameters(), 0.1), LossFunction.crossEntropy());
    assertRefused(NullPointerException.class, () -> t.fit(null, null, 1), "training DataLoader is null");
    assertRefused(IllegalArgumentException.class, () -> t.fit(new DataLoader(ToyDatasets.xor(), 4, false, 0), null, -1), "epochs", "-1");
    TensorDataset badLabels = new TensorDataset(Tensor.zeros(2, 2), Tensor.of(0, 2));
    assertRefused(IllegalArgumentException.class, () -> t.fit(new DataLoader(badLabels, 2, false, 0), null, 1),
        "crossEntropy", "target 2", "out of range for 2 classes");
    assertRefused(IllegalArgumentException.class, () -> t.clipGradNorm(-1), "clipGradNorm", "-1.0");
    assertRefused(IllegalArgumentException.class, () -> t.accumulate(0), "accumulation steps must be positive");
  }
}
