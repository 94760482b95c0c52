import { fixed, factor } from './format.js';

// The plain-language panel of the backprop stepper: what the current phase does, with its numbers.
// Every number comes from the trace the engine recorded; this file only words them.

const ACTIVATION_WORDS = {
  sigmoid: 'the sigmoid σ(z) = 1/(1 + e^(−z)), which squashes z into (0, 1)',
  tanh: 'tanh(z), which squashes z into (−1, 1)',
  relu: 'ReLU, max(0, z), which passes positive z and blocks negative z',
  leaky_relu: 'leaky ReLU, which passes positive z and lets 1% of negative z through',
  linear: 'nothing (a linear output: a = z)',
};

export function neuronName(trace, layer, j) {
  const last = trace.layers.length;
  if (layer === last) return trace.layers[last - 1].z[0].length === 1 ? 'ŷ' : `output ${j + 1}`;
  return `h${layer}.${j + 1}`;
}

export function inputName(trace, layer, i) {
  return layer === 1 ? trace.inputNames[i] : `h${layer - 1}.${i + 1}`;
}

export function paramName(trace, p) {
  if (p.from < 0) return `the bias of ${neuronName(trace, p.layer, p.to)}`;
  return `the weight from ${inputName(trace, p.layer, p.from)} to ${neuronName(trace, p.layer, p.to)}`;
}

export function explainPhase(trace, phase, row) {
  const L = trace.layers.length;
  const x = trace.inputs[row];
  const y = trace.targets[row][0];
  const batchNote = trace.batchSize > 1
    ? ` The batch has ${trace.batchSize} examples; the values on the neurons are example ${trace.examples[row]}'s.` : '';
  switch (phase.kind) {
    case 'start':
      return `Training step ${trace.step} begins. The example ${trace.inputNames.map((n, i) => `${n} = ${fixed(x[i])}`).join(', ')}`
        + ` with target y = ${fixed(y)} enters the network, whose weights are as the last update left them.${batchNote}`;
    case 'forward': {
      const layer = trace.layers[phase.layer - 1];
      const wParams = trace.params.filter((p) => p.layer === phase.layer && p.to === 0);
      const weights = wParams.filter((p) => p.from >= 0);
      const bias = wParams.find((p) => p.from < 0);
      const inputs = phase.layer === 1 ? x : trace.layers[phase.layer - 2].a[row];
      const sum = weights.map((p) => `${factor(p.old)}·${factor(inputs[p.from])}`).join(' + ');
      const name = neuronName(trace, phase.layer, 0);
      const where = phase.layer === L ? 'Forward pass, output layer' : `Forward pass, layer ${phase.layer}`;
      return `${where}: each neuron adds up its inputs times their weights, plus its bias: z = Σ w·a + b. `
        + `Then it applies ${ACTIVATION_WORDS[layer.activation]}. For ${name}: z = ${sum} + ${factor(bias.old)} = `
        + `${fixed(layer.z[row][0])}, a = ${fixed(layer.a[row][0])}.`;
    }
    case 'loss': {
      const yHat = trace.layers[L - 1].a[row][0];
      return `Loss: the prediction ŷ = ${fixed(yHat)} is compared with the target y = ${fixed(y)}. `
        + `${trace.loss.formula}, so L = ${fixed(trace.loss.data)}`
        + (trace.loss.penalty ? ` plus the penalty ${trace.loss.penaltyFormula} = ${fixed(trace.loss.penalty)}` : '')
        + '. The backward pass now asks: how does L change when each weight changes?';
    }
    case 'backward': {
      const layer = trace.layers[phase.layer - 1];
      const name = neuronName(trace, phase.layer, 0);
      const chain = `∂L/∂z = ∂L/∂a · ∂a/∂z = ${factor(layer.dLda[row][0])} · ${factor(layer.dadz[row][0])} = ${fixed(layer.dLdz[row][0])}`;
      if (phase.layer === L) {
        return `Backward pass, output layer: start from the loss. ${trace.loss.derivative}, which for ${name} is `
          + `∂L/∂ŷ = ${fixed(layer.dLda[row][0])}. The activation's slope is ${layer.derivative} = ${fixed(layer.dadz[row][0])}. `
          + `Chain rule: ${chain}. Each weight into the neuron gets ∂L/∂w = ∂L/∂z · (its input).`
          + (trace.loss.fused ? ' (The engine fuses σ with cross-entropy: ∂L/∂z = (ŷ − y)/N directly, which stays finite when σ saturates.)' : '');
      }
      return `Backward pass, layer ${phase.layer}: each neuron's ∂L/∂a gathers the gradients of the layer above, `
        + `sent back through the weights: ∂L/∂a = Σ w·∂L/∂z. Times its own slope (${layer.derivative}) that gives ∂L/∂z; `
        + `for ${name}: ${chain}. Click any weight to see its product.`;
    }
    case 'update': {
      const u = trace.update;
      const p = trace.params.find((q) => q.from >= 0) || trace.params[0];
      const rule = u.optimizer === 'sgd'
        ? `w ← w − η·∂L/∂w with η = ${u.learningRate}`
        : `${u.optimizer === 'adam' ? 'Adam' : 'SGD with momentum'} (${u.rule}), η = ${u.learningRate}`;
      return `Update: the optimizer moves every weight a little against its gradient: ${rule}. `
        + `For ${paramName(trace, p)}: ${fixed(p.old)} → ${fixed(p.next)}. Next (→) runs the next training step.`;
    }
    default:
      return '';
  }
}
