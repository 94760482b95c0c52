import { drawLineChart, drawBars } from './chart.js';
import { short } from './format.js';

const $ = (id) => document.getElementById(id);
const RUN_COLORS = ['#c62828', '#2e7d32', '#1565c0'];
const LETTERS = 'ABC';

// The gradient health view: `backflow doctor` in the browser. The server trains one problem beside its cures
// with the engine's GradientMonitor attached and sends what the monitor sampled and found; this view only
// draws the figures and prints the findings.
export function createHealthView(app) {
  $('health-form').addEventListener('submit', (e) => { e.preventDefault(); run(); });
  $('health-problem').addEventListener('change', () => run());
  let ran = false;

  async function run() {
    $('health-error').hidden = true;
    $('health-status').textContent = 'training the networks in the engine…';
    const settings = { problem: $('health-problem').value, seed: Number($('health-seed').value) };
    const showError = (message) => {
      $('health-error').hidden = false;
      $('health-error').textContent = message;
      $('health-status').textContent = '';
    };
    // Checked first, so a typo in the seed is answered in the page rather than as a refused request.
    const check = await app.call(() => app.api.checkHealth(settings), showError);
    if (!check) return;
    if (!check.ok) { showError(check.error); return; }
    const report = await app.call(() => app.api.health(settings), showError);
    $('health-status').textContent = report ? 'done' : '';
    if (report) { ran = true; draw(report); }
  }

  function draw(report) {
    const runs = report.runs;
    const color = (i) => RUN_COLORS[i % RUN_COLORS.length];
    drawLineChart($('health-layers'), runs.map((r, i) => ({
      points: r.layers.map((l, k) => [k + 1, l.recentGradNorm]), color: color(i), label: `${LETTERS[i]}) ${r.label}`,
    })), { logY: true, title: `${report.title}: gradient norm per layer`, xLabel: 'layer' });
    drawLineChart($('health-loss'), runs.map((r, i) => ({
      points: r.epochLoss.map((v, e) => [e + 1, v]), color: color(i), label: `${LETTERS[i]}) loss`,
    })), { title: 'training loss (cross-entropy)', xLabel: 'epoch' });
    drawDetail(report, color);
    drawRuns(runs, color);
    $('health-summary').textContent = `${report.title} (seed ${report.seed}): `
      + runs.map((r, i) => `${LETTERS[i]}) ${r.label}: ${r.findings.length
        ? r.findings.map((f) => `${f.kind} at ${f.layer}`).join(', ') : 'no findings'}`).join('; ') + '.';
  }

  // The panel that shows the failure itself, as the doctor's second chart does.
  function drawDetail(report, color) {
    const failing = report.runs[0];
    if (report.problem === 'exploding') {
      drawLineChart($('health-detail'), report.runs.map((r, i) => ({
        points: r.steps.map((s, k) => [s, r.globalNorms[k]]), color: color(i), label: `${LETTERS[i]}) gradient norm`,
      })), { logY: true, title: 'gradient norm over all parameters, before clipping', xLabel: 'steps' });
      $('health-detail-caption').textContent = 'Without clipping each step is larger than the last until the values '
        + 'overflow (the line stops); clipping bounds every step.';
    } else if (report.problem === 'dying-relu') {
      const relus = failing.activations.filter((a) => a.kind === 'RELU');
      drawBars($('health-detail'), relus.map((a) => a.name), relus.map((a) => (a.units && a.deadLastEpoch > 0 ? a.deadLastEpoch / a.units : 0)),
        { title: 'A) ReLU units dead for the whole last epoch' });
      $('health-detail-caption').textContent = 'A ReLU that outputs 0 for every example passes no gradient back, so '
        + 'nothing revives it; leaky ReLUs (run B) cannot die.';
    } else if (report.problem === 'slow-convergence') {
      drawLineChart($('health-detail'), report.runs.map((r, i) => ({
        points: r.layers.map((l, k) => [k + 1, l.recentUpdateRatio]), color: color(i), label: `${LETTERS[i]}) ‖Δw‖/‖w‖`,
      })), { logY: true, title: 'update-to-weight ratio per layer (rule of thumb ≈ 1e-3)', xLabel: 'layer' });
      $('health-detail-caption').textContent = 'Each step of the slow run changes the weights by a few 1e-5 of their '
        + 'size, a hundredth of what trains steadily: the loss falls, but a hundred times too slowly.';
    } else {
      const layers = failing.layers;
      drawLineChart($('health-detail'), layers.map((l, k) => ({
        points: failing.steps.map((s, j) => [s, l.gradNorms[j]]),
        color: `hsl(${Math.round((k / Math.max(1, layers.length - 1)) * 240)}, 70%, 42%)`,
        label: k === 0 || k === layers.length - 1 ? l.name : '', width: 1,
      })), { logY: true, title: 'A) gradient norm of every layer over training', xLabel: 'steps' });
      $('health-detail-caption').textContent = 'Every layer of the sigmoid network over training, input side in red, '
        + 'output side in blue: the gradient shrinks by a factor at each layer on its way back.';
    }
  }

  // Each run's outcome and the monitor's findings, with their explanations and remedies, as text.
  function drawRuns(runs, color) {
    const box = $('health-runs');
    box.replaceChildren();
    runs.forEach((r, i) => {
      const card = document.createElement('article');
      card.className = 'health-run';
      card.style.borderLeftColor = color(i);
      card.dataset.testid = `health-run-${i}`;
      const head = document.createElement('h3');
      head.textContent = `${LETTERS[i]}) ${r.label}`;
      const outcome = document.createElement('p');
      outcome.textContent = r.outcome;
      card.append(head, outcome);
      if (!r.findings.length) {
        const none = document.createElement('p');
        none.className = 'finding-none';
        none.textContent = 'The monitor found nothing wrong.';
        card.append(none);
      }
      for (const f of r.findings) {
        const d = document.createElement('details');
        d.className = 'finding';
        const s = document.createElement('summary');
        s.textContent = `${f.kind} at ${f.layer}`;
        const p = document.createElement('p');
        p.textContent = f.explanation;
        const figures = document.createElement('p');
        figures.className = 'note';
        figures.textContent = Object.entries(f.figures).map(([k, v]) => `${k} = ${v === null ? '∞' : short(v)}`).join(', ');
        const ul = document.createElement('ul');
        for (const remedy of f.remedies) {
          const li = document.createElement('li');
          li.textContent = remedy;
          ul.append(li);
        }
        d.append(s, p, figures, ul);
        card.append(d);
      }
      box.append(card);
    });
  }

  return { shown: () => { if (!ran) run(); } };
}
