import { drawLineChart } from './chart.js';

const $ = (id) => document.getElementById(id);
const byTestId = (id) => document.querySelector(`[data-testid='${id}']`);

// "12.3 µs", "4.56 ms", "7.80 s", "2.5 min", "1.3 h": the same units as `backflow explain cost`.
export function duration(seconds) {
  if (seconds < 1e-3) return `${(seconds * 1e6).toFixed(1)} µs`;
  if (seconds < 1) return `${(seconds * 1e3).toFixed(2)} ms`;
  if (seconds < 120) return `${seconds.toFixed(2)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

const times = (x) => `${Math.round(x).toLocaleString('en-US')}×`;

// The cost panel: the learner picks a network, the server times every gradient both ways with the engine,
// and the page shows the two costs side by side; each size run is kept, so the growing gap is visible.
export function createCostView(app) {
  const results = new Map(); // parameters -> the server's result, for the table and the chart
  let filled = false;

  $('cost-form').addEventListener('submit', (e) => { e.preventDefault(); run(); });

  function fillSizes() {
    if (filled) return;
    const sizes = app.limits.costNetworks || [];
    for (const s of sizes) {
      const o = document.createElement('option');
      o.value = s.parameters;
      o.textContent = `${s.network} (${s.parameters.toLocaleString('en-US')} parameters)`;
      $('cost-size').append(o);
    }
    filled = sizes.length > 0;
  }

  async function run() {
    $('cost-error').hidden = true;
    $('cost-status').textContent = 'timing finite differences and backprop in the engine…';
    const r = await app.call(() => app.api.cost(Number($('cost-size').value)), (message) => {
      $('cost-error').hidden = false;
      $('cost-error').textContent = message;
    });
    $('cost-status').textContent = r ? 'done' : '';
    if (!r) return;
    results.set(r.parameters, r);
    show(r);
    drawTable();
    drawChart();
  }

  function show(r) {
    const n = r.parameters.toLocaleString('en-US');
    byTestId('cost-fd-one-sided').textContent = duration(r.oneSided);
    byTestId('cost-fd-central').textContent = duration(r.central);
    byTestId('cost-fd-how').textContent = r.everyWeight
      ? `Run over all ${n} weights.`
      : `Timed on ${r.sampledWeights.toLocaleString('en-US')} of the ${n} weights, spread over the network, and scaled to all `
        + 'of them: every weight costs the same forward pass, and the full run would take too long to wait for.';
    byTestId('cost-backprop').textContent = duration(r.forwardBackward);
    byTestId('cost-ratio').textContent = `The backward pass cost ${r.backwardOverForward.toFixed(2)} forward passes here `
      + '(two matrix products per layer, for the weights and for the layer below, against the forward\'s one).';
    byTestId('cost-summary').textContent = `${r.network}, ${n} parameters: backprop is ${times(r.speedup)} faster than `
      + `one-sided finite differences and ${times(r.centralSpeedup)} faster than central ones. Counting passes predicts `
      + `n / (1 + ${r.backwardOverForward.toFixed(2)}) = ${times(r.passCount)}; the articles' 500,000× for a million weights `
      + 'counts a backward pass as one forward pass.';
  }

  function drawTable() {
    const body = $('cost-rows');
    body.replaceChildren();
    for (const r of [...results.values()].sort((a, b) => a.parameters - b.parameters)) {
      const tr = document.createElement('tr');
      tr.dataset.testid = `cost-row-${r.parameters}`;
      for (const text of [r.network, r.parameters.toLocaleString('en-US'), duration(r.oneSided) + (r.everyWeight ? '' : '*'),
        duration(r.forwardBackward), `${times(r.speedup)} faster`]) {
        const td = document.createElement('td');
        td.textContent = text;
        tr.append(td);
      }
      body.append(tr);
    }
  }

  function drawChart() {
    const rows = [...results.values()].sort((a, b) => a.parameters - b.parameters);
    const series = (pick, color, label) => ({ points: rows.map((r) => [Math.log10(r.parameters), pick(r)]), color, label, width: 2 });
    drawLineChart($('cost-chart'), [
      series((r) => r.central, '#ef9a9a', 'finite differences, central'),
      series((r) => r.oneSided, '#c62828', 'finite differences, one-sided'),
      series((r) => r.forwardBackward, '#2e7d32', 'backprop: forward + backward'),
    ], { logY: true, title: 'seconds for all gradients', xLabel: '(log10 parameters)' });
  }

  return { shown: () => { fillSizes(); } };
}
