package dev.backflow.web.trace;

import dev.backflow.examples.ArticleRounding;
import java.util.List;

/**
 * Everything one training step computed, recorded by the engine for the backprop stepper to play back
 * phase by phase: the forward pass layer by layer, the loss, the backward pass, the update. The page
 * only reveals these numbers; it computes none of them. Layers are numbered from 1 (the first layer
 * after the inputs); rows of the per-example arrays follow {@link #examples}.
 */
public record StepTrace(
    long step,
    int epoch,
    int batchSize,
    List<Integer> examples,
    List<String> inputNames,
    double[][] inputs,
    double[][] targets,
    List<LayerTrace> layers,
    LossTrace loss,
    List<ParamTrace> params,
    UpdateTrace update,
    AfterUpdate after,
    ArticleRounding article) {

  /** One layer: z = a_prev·Wᵀ + b, a = f(z), and the gradients the backward pass left on them. */
  public record LayerTrace(int layer, String activation, String formula, String derivative,
                           double[][] z, double[][] a, double[][] dLda, double[][] dadz, double[][] dLdz) {}

  /**
   * The loss and its convention. {@code fused} is true for cross-entropy, where the engine takes the
   * gradient of σ and the loss together (∂L/∂z = (ŷ − y)/N) and ∂L/∂ŷ is shown from the unfused form.
   */
  public record LossTrace(String kind, String formula, String derivative, double value, double data,
                          double penalty, String penaltyFormula, boolean fused) {}

  /**
   * One weight or bias: its value before and after the update, its gradient (the data part and the
   * penalty part), and the chain-rule terms ∂L/∂a · ∂a/∂z · ∂z/∂w, one per example, whose sum is the data
   * part. {@code from} is -1 for a bias (∂z/∂b = 1). Terms are left out (null) for large networks.
   */
  public record ParamTrace(String name, String kind, int layer, int to, int from, double old, double grad,
                           double dataGrad, double penaltyGrad, double next, List<ChainTerm> terms) {}

  public record ChainTerm(int example, double dLda, double dadz, double dzdw, double product) {}

  public record UpdateTrace(String optimizer, String rule, double learningRate) {}

  /**
   * The same batch through the updated network: its data loss and outputs (rows as {@link #examples}),
   * so the page can show that the step made the predictions better (or, with too large a rate, worse).
   */
  public record AfterUpdate(double loss, double[][] outputs) {}
}
