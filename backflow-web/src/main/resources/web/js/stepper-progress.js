import { fixed } from './format.js';
import { drawLineChart } from './chart.js';

// Predictions improving, for the backprop stepper: the batch's loss before and after each traced update
// (a plot over the steps taken), and at the update the network's outputs for the batch before and after it.

const $ = (id) => document.getElementById(id);

// history: [step, loss before the update, loss after it]; atUpdate: the update phase is shown; article:
// the article's rounding is switched on.
export function renderProgress(tr, history, atUpdate, article) {
  drawLineChart($('stepper-loss-chart'), [
    { points: history.map((h) => [h[0], h[1]]), color: '#9aa5b1', label: 'before the update', dash: [4, 3] },
    { points: history.map((h) => [h[0], h[2]]), color: '#1f2933', label: 'after it' },
  ], { xLabel: 'steps', yFromZero: true, markers: true, title: 'loss on each step’s batch', empty: 'the loss of each step appears here' });
  const box = $('step-outcome');
  box.innerHTML = '';
  if (!tr || !atUpdate) {
    box.textContent = tr ? 'After the update (the last phase) this shows the batch’s loss and outputs before and after the step.' : '';
    return;
  }
  const before = tr.loss.data, after = tr.after.loss;
  const verdict = after < before ? 'lower: the step helped' : after > before ? 'higher: the step overshot (try a smaller η)' : 'unchanged';
  const line = document.createElement('p');
  const span = document.createElement('b');
  span.setAttribute('data-testid', 'loss-after');
  span.textContent = `${fixed(before)} → ${fixed(after)}`;
  line.append('Loss on this batch: ', span, ` (${verdict}).`);
  box.appendChild(line);
  const table = document.createElement('table');
  table.className = 'quantities';
  table.setAttribute('data-testid', 'outputs-before-after');
  const head = document.createElement('tr');
  for (const h of ['example', 'y', 'ŷ before', 'ŷ after']) { const th = document.createElement('th'); th.textContent = h; head.appendChild(th); }
  table.appendChild(head);
  const n = tr.layers.length;
  tr.examples.slice(0, 8).forEach((e, r) => {
    const row = document.createElement('tr');
    const cells = [String(e), fixed(tr.targets[r][0], 2), fixed(tr.layers[n - 1].a[r][0]), fixed(tr.after.outputs[r][0])];
    for (const c of cells) { const td = document.createElement('td'); td.className = 'value'; td.textContent = c; row.appendChild(td); }
    table.appendChild(row);
  });
  box.appendChild(table);
  if (article) box.appendChild(document.createTextNode('(The engine’s exact numbers; the article’s rounding changes only the printed step.)'));
}
