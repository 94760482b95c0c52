import { drawLineChart, drawBars } from './chart.js';
import { short } from './format.js';

const $ = (id) => document.getElementById(id);
const LAYER_COLORS = ['#b71c1c', '#e65100', '#f9a825', '#558b2f', '#00838f', '#1565c0', '#4527a0', '#6a1b9a', '#ad1457',
  '#4e342e', '#37474f', '#000000', '#827717'];

// The gradient health view: the server trains the networks and sends per-step gradient norms; this view
// plots them on log scales side by side.
export function createHealthView(app) {
  $('health-form').addEventListener('submit', (e) => { e.preventDefault(); run(); });
  let ran = false;

  async function run() {
    $('health-error').hidden = true;
    $('health-status').textContent = 'training four networks in the engine…';
    const settings = {
      depth: $('health-depth').value, width: $('health-width').value, steps: $('health-steps').value,
      lr: $('health-lr').value, clip: $('health-clip').value,
    };
    const report = await app.call(() => app.api.health(settings), (message) => {
      $('health-error').hidden = false;
      $('health-error').textContent = message;
    });
    $('health-status').textContent = report ? 'done' : '';
    if (report) { ran = true; draw(report); }
  }

  function layerSeries(r) {
    const layers = r.layerNorms.length ? r.layerNorms[0].length : 0;
    return Array.from({ length: layers }, (_, l) => ({
      points: r.layerNorms.map((norms, step) => [step, norms[l]]),
      color: LAYER_COLORS[l % LAYER_COLORS.length],
      label: l === layers - 1 ? `layer ${l + 1} (output)` : `layer ${l + 1}`,
      width: 1.3,
    }));
  }

  function draw(report) {
    drawLineChart($('health-sigmoid'), layerSeries(report.sigmoid), { logY: true, title: '‖∂L/∂W‖ per layer — sigmoid', xLabel: 'steps' });
    drawLineChart($('health-relu'), layerSeries(report.relu), { logY: true, title: '‖∂L/∂W‖ per layer — ReLU + He', xLabel: 'steps' });
    const dead = report.relu.deadFraction[report.relu.deadFraction.length - 1] || [];
    drawBars($('health-dead'), dead.map((_, i) => `L${i + 1}`), dead, { title: 'dead ReLUs per hidden layer (end of training)' });
    drawLineChart($('health-clip-chart'), [
      { points: report.unclipped.globalNorm.map((v, i) => [i, v]), color: '#c62828', label: 'gradient norm, no clipping' },
      { points: report.clipped.globalNorm.map((v, i) => [i, v]), color: '#2e7d32', label: `gradient norm, clipped at ${report.request.clipNorm}` },
      { points: report.unclipped.loss.map((v, i) => [i, v]), color: '#c62828', label: 'loss, no clipping', dash: [4, 3] },
      { points: report.clipped.loss.map((v, i) => [i, v]), color: '#2e7d32', label: 'loss, clipped', dash: [4, 3] },
    ], { logY: true, title: 'exploding gradients: norm before clipping, and loss', xLabel: 'steps' });

    const ratio = (r) => {
      const first = r.layerNorms[0];
      return first ? first[0] / first[first.length - 1] : NaN;
    };
    const deadShare = dead.length ? dead.reduce((a, b) => a + b, 0) / dead.length : 0;
    const diverged = report.unclipped.divergedAt;
    $('health-summary').textContent =
      `At the first step, layer 1's gradient is ${short(ratio(report.sigmoid))} × the output layer's in the sigmoid network `
      + `and ${short(ratio(report.relu))} × in the ReLU + He network. ${(deadShare * 100).toFixed(0)}% of the ReLUs ended dead. `
      + (diverged !== null && diverged !== undefined
        ? `Without clipping the exploding set-up diverged at step ${diverged}; with clipping it ran all ${report.clipped.loss.length} steps`
        : `Without clipping the largest gradient norm was ${short(Math.max(...report.unclipped.globalNorm))}; clipped steps are bounded by ${report.request.clipNorm}`)
      + ` (final loss ${short(report.clipped.loss[report.clipped.loss.length - 1])}).`;
  }

  return { shown: () => { if (!ran) run(); } };
}
