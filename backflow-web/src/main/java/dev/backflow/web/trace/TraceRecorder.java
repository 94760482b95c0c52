package dev.backflow.web.trace;

import dev.backflow.autograd.Autograd;
import dev.backflow.examples.ArticleRounding;
import dev.backflow.nn.Linear;
import dev.backflow.tensor.Tensor;
import dev.backflow.web.engine.ForwardPass;
import dev.backflow.web.engine.PlaygroundNetwork;
import dev.backflow.web.engine.TrainingLoss;
import dev.backflow.web.engine.TrainingRun;
import dev.backflow.web.engine.WeightPenalty;
import dev.backflow.web.setup.BadRequest;
import dev.backflow.web.setup.Dataset;
import dev.backflow.web.setup.LossKind;
import dev.backflow.web.setup.Setup;
import dev.backflow.web.trace.StepTrace.AfterUpdate;
import dev.backflow.web.trace.StepTrace.ChainTerm;
import dev.backflow.web.trace.StepTrace.LayerTrace;
import dev.backflow.web.trace.StepTrace.LossTrace;
import dev.backflow.web.trace.StepTrace.ParamTrace;
import dev.backflow.web.trace.StepTrace.UpdateTrace;
import java.util.ArrayList;
import java.util.List;

/**
 * Takes one real training step of a {@link TrainingRun} and records it as a {@link StepTrace}. The
 * forward pass keeps every z and a with retained gradients; the data loss is backpropagated first, so
 * each parameter's gradient can be split into its data part (the chain-rule product the page explains)
 * and the part the regularization penalty adds; then the run's own optimizer updates the weights.
 */
public final class TraceRecorder {
  /** Examples whose per-neuron values a trace carries; a larger batch is summed in full but shown in part. */
  public static final int MAX_EXAMPLES = 32;
  /** Chain-rule terms are listed per parameter and example only up to this many in all. */
  static final int MAX_TERMS = 4096;

  private TraceRecorder() {}

  /** One step on the next mini-batch ({@code example} &lt; 0) or on one training example. */
  public static StepTrace record(TrainingRun run, int example) {
    int trainSize = run.data().trainSize();
    if (example >= trainSize) {
      throw new BadRequest("example " + example + " does not exist; the training set has " + trainSize
          + " examples (0 to " + (trainSize - 1) + ")");
    }
    if (run.diverged()) throw new BadRequest("training has diverged (a weight is NaN or infinite); press reset");
    int[] rows = example < 0 ? run.nextBatch() : new int[] {example};
    Setup setup = run.setup();
    PlaygroundNetwork net = run.network();
    Tensor x = run.data().trainX.indexSelect(0, rows), y = run.data().trainY.indexSelect(0, rows);
    int shown = Math.min(rows.length, MAX_EXAMPLES);

    run.optimizer().zeroGrad();
    ForwardPass f = net.forward(x, true);
    Tensor dataLoss = TrainingLoss.of(setup.loss(), f, y);
    dataLoss.backward();
    List<Tensor> params = net.parameters();
    List<float[]> dataGrads = new ArrayList<>();
    for (Tensor p : params) dataGrads.add(p.grad() == null ? new float[p.numel()] : p.grad().toArray());

    Tensor penalty = WeightPenalty.of(setup.regularization(), setup.regularizationRate(), net.weights());
    if (penalty != null) penalty.backward();
    List<float[]> olds = new ArrayList<>(), grads = new ArrayList<>();
    for (Tensor p : params) {
      olds.add(p.toArray());
      grads.add(p.grad() == null ? new float[p.numel()] : p.grad().toArray());
    }
    run.optimizer().step();
    double lossValue = dataLoss.item() + (penalty == null ? 0 : penalty.item());
    run.countStep(lossValue);

    List<LayerTrace> layers = new ArrayList<>();
    List<float[][]> dLda = new ArrayList<>(), dadz = new ArrayList<>();
    for (int l = 0; l < net.depth(); l++) {
      boolean output = l == net.depth() - 1;
      Tensor z = f.z().get(l), a = f.a().get(l);
      float[][] dA = output && setup.loss() == LossKind.CROSS_ENTROPY
          ? rows(probabilityGradient(a, y)) : rows(a.grad());
      float[][] local = rows(net.localDerivative(l, z));
      dLda.add(dA);
      dadz.add(local);
      var k = net.activation(l);
      layers.add(new LayerTrace(l + 1, k.id, k.formula, k.derivative, head(rows(z), shown), head(rows(a), shown),
          head(dA, shown), head(local, shown), head(rows(z.grad()), shown)));
    }

    boolean withTerms = (long) net.parameters().stream().mapToInt(Tensor::numel).sum() * shown <= MAX_TERMS;
    List<ParamTrace> paramTraces = new ArrayList<>();
    for (int l = 0; l < net.depth(); l++) {
      Linear layer = net.layers().get(l);
      int out = layer.weight.shape(0), in = layer.weight.shape(1);
      float[][] prev = rows(f.inputTo(l));
      float[] newW = layer.weight.toArray(), newB = layer.bias.toArray();
      float[] oldW = olds.get(2 * l), oldB = olds.get(2 * l + 1), gW = grads.get(2 * l), gB = grads.get(2 * l + 1);
      float[] dW = dataGrads.get(2 * l), dB = dataGrads.get(2 * l + 1);
      for (int j = 0; j < out; j++) {
        for (int i = 0; i < in; i++) {
          int idx = j * in + i;
          List<ChainTerm> terms = withTerms ? terms(dLda.get(l), dadz.get(l), prev, j, i, shown, rows) : null;
          paramTraces.add(new ParamTrace("W" + (l + 1) + "[" + j + "][" + i + "]", "weight", l + 1, j, i, oldW[idx],
              gW[idx], dW[idx], gW[idx] - dW[idx], newW[idx], terms));
        }
        List<ChainTerm> terms = withTerms ? terms(dLda.get(l), dadz.get(l), null, j, -1, shown, rows) : null;
        paramTraces.add(new ParamTrace("b" + (l + 1) + "[" + j + "]", "bias", l + 1, j, -1, oldB[j], gB[j], dB[j],
            gB[j] - dB[j], newB[j], terms));
      }
    }

    LossTrace loss = new LossTrace(setup.loss().id, setup.loss().formula, setup.loss().derivative, lossValue,
        dataLoss.item(), penalty == null ? 0 : penalty.item(), setup.regularization().formula,
        setup.loss() == LossKind.CROSS_ENTROPY);
    UpdateTrace update = new UpdateTrace(setup.optimizer().id, setup.optimizer().rule, setup.learningRate());
    List<Integer> examples = new ArrayList<>();
    for (int i = 0; i < shown; i++) examples.add(rows[i]);
    List<String> inputNames = setup.inputNames();
    AfterUpdate after;
    try (var g = Autograd.noGrad()) {
      ForwardPass updated = net.forward(x, false);
      after = new AfterUpdate(TrainingLoss.of(setup.loss(), updated, y).item(), head(rows(updated.output()), shown));
    }
    return new StepTrace(run.steps(), run.epoch(), rows.length, examples, inputNames, head(rows(f.input()), shown),
        head(rows(y), shown), layers, loss, paramTraces, update, after, article(setup, f, olds, rows.length, run.steps()));
  }

  /** ∂L/∂ŷ of cross-entropy, from the unfused loss on ŷ (the fused engine op goes straight to ∂L/∂z). */
  private static Tensor probabilityGradient(Tensor a, Tensor y) {
    Tensor yHat = Tensor.of(a.toArray(), a.shape()).requiresGrad(true);
    TrainingLoss.crossEntropyOnProbabilities(yHat, y).backward();
    return yHat.grad();
  }

  private static List<ChainTerm> terms(float[][] dLda, float[][] dadz, float[][] prev, int to, int from, int shown,
                                       int[] rows) {
    List<ChainTerm> out = new ArrayList<>();
    for (int n = 0; n < shown; n++) {
      double dzdw = from < 0 ? 1 : prev[n][from];
      double product = (double) dLda[n][to] * dadz[n][to] * dzdw;
      out.add(new ChainTerm(rows[n], dLda[n][to], dadz[n][to], dzdw, product));
    }
    return out;
  }

  private static ArticleRounding article(Setup setup, ForwardPass f, List<float[]> olds, int batch, long step) {
    // The article works through the first step from its initial weights only; later steps have no printed twin.
    if (setup.dataset() != Dataset.NEURON || setup.loss() != LossKind.SQUARED || batch != 1 || step != 1) return null;
    float x = f.input().item(), yHat = f.output().item();
    return ArticleRounding.compute(x, olds.get(0)[0], olds.get(1)[0], 1f, (float) setup.learningRate(), yHat);
  }

  private static float[][] rows(Tensor t) {
    int n = t.shape(0), m = t.numel() / Math.max(1, n);
    float[] flat = t.toArray();
    float[][] out = new float[n][m];
    for (int i = 0; i < n; i++) System.arraycopy(flat, i * m, out[i], 0, m);
    return out;
  }

  private static double[][] head(float[][] rows, int n) {
    double[][] out = new double[n][];
    for (int i = 0; i < n; i++) {
      out[i] = new double[rows[i].length];
      for (int j = 0; j < rows[i].length; j++) out[i][j] = rows[i][j];
    }
    return out;
  }
}
