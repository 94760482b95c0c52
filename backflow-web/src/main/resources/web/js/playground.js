import { NetworkDiagram } from './network-diagram.js';
import { paintHeatmap } from './heatmap.js';
import { drawLineChart } from './chart.js';
import { diverging, css } from './colors.js';
import { fixed, percent } from './format.js';

const $ = (id) => document.getElementById(id);
const MAX_HISTORY = 4000;

// The playground view: set-up controls, the network editor and diagram, the output heatmap with the data,
// the metrics and loss curves. It sends commands; every number it shows arrives in a snapshot.
export function createPlayground(app) {
  const diagram = new NetworkDiagram($('network'), {
    addNeuron: (l) => editLayers((sizes) => { sizes[l - 1] = Math.min(app.limits.maxNeurons, sizes[l - 1] + 1); }),
    removeNeuron: (l) => editLayers((sizes) => { sizes[l - 1] = Math.max(1, sizes[l - 1] - 1); }),
    setActivation: (l, act) => editLayers((sizes, acts) => { acts[l - 1] = act; }),
  });
  let history = [];
  let data = null;
  let classification = true;
  let lastSnapshot = null;
  let running = false;
  let seq = 0;
  const pending = new Map();
  // Round-trip times of single steps (request sent -> snapshot arrived, and -> drawn), read by the benchmark.
  window.__backflow = { latencies: [], snapshots: 0 };

  function layersOf(setup) {
    const sizes = setup.layers ? setup.layers.split(',').map(Number) : [];
    const acts = setup.act ? setup.act.split(',') : [];
    return { sizes, acts };
  }

  function editLayers(edit) {
    const { sizes, acts } = layersOf(app.setup);
    edit(sizes, acts);
    app.changeSetup({ layers: sizes.join(','), act: acts.join(',') });
  }

  $('btn-add-layer').addEventListener('click', () => editLayers((sizes, acts) => {
    if (sizes.length >= app.limits.maxHiddenLayers) return;
    sizes.push(sizes.length ? sizes[sizes.length - 1] : 4);
    acts.push(acts.length ? acts[acts.length - 1] : 'tanh');
  }));
  $('btn-remove-layer').addEventListener('click', () => editLayers((sizes, acts) => { sizes.pop(); acts.pop(); }));

  // Every set-up control carries its URL key; a change goes to the server, which validates it.
  for (const el of document.querySelectorAll('#view-playground [data-key]')) {
    el.addEventListener('change', () => {
      const changes = { [el.dataset.key]: el.value };
      if (el.dataset.key === 'dataset') {
        if (el.value === 'regression' && app.setup.loss === 'cross_entropy') changes.loss = 'squared';
        if (el.value === 'neuron') { changes.layers = ''; changes.act = ''; changes.features = 'x1,x2'; }
        if (app.setup.dataset === 'neuron' && el.value !== 'neuron') { changes.layers = '4,4'; changes.act = 'tanh,tanh'; }
      }
      app.changeSetup(changes);
    });
  }
  // The network reads the ticked features of each point (TensorFlow Playground's choice of inputs).
  for (const box of document.querySelectorAll('#features input')) {
    box.addEventListener('change', () => {
      const ticked = [...document.querySelectorAll('#features input:checked')].map((b) => b.value);
      if (!ticked.length) { box.checked = true; app.showBanner('the network needs at least one input feature'); return; }
      app.changeSetup({ features: ticked.join(',') });
    });
  }
  // A learner's own points: read and checked here first, so a bad file is explained at once (the server checks
  // again, since a link can say anything); the points then live in the link like every other setting.
  $('csv-file').addEventListener('change', async () => {
    const file = $('csv-file').files[0];
    if (!file) return;
    const parsed = file.size > 20000 ? { error: `the file has ${file.size} bytes; a CSV of 200 rows needs far fewer (20 KB at most)` }
      : parseCsv(await file.text());
    $('csv-file').value = '';
    if (parsed.error) { app.showBanner(`The CSV was not loaded: ${parsed.error}.`); return; }
    const changes = { dataset: 'csv', csv: parsed.csv };
    if (app.setup.dataset === 'neuron') { changes.layers = '4,4'; changes.act = 'tanh,tanh'; }
    if (app.setup.loss !== 'cross_entropy' && app.setup.dataset === 'regression') changes.loss = 'cross_entropy';
    app.changeSetup(changes);
  });
  $('set-noise').addEventListener('input', () => { $('noise-out').textContent = $('set-noise').value; });
  $('set-train').addEventListener('input', () => { $('train-out').textContent = `${$('set-train').value}%`; });
  $('btn-new-seed').addEventListener('click', () => app.changeSetup({ seed: String(Math.floor(Math.random() * 1e6)) }));
  $('show-test').addEventListener('change', drawPoints);

  // A diverged run cannot step: say so here rather than send a request the server must refuse.
  const diverged = () => {
    if (!lastSnapshot || !lastSnapshot.diverged) return false;
    app.showBanner('training has diverged (a weight is NaN or infinite): lower the learning rate and press ⟲ Reset');
    return true;
  };
  $('btn-run').addEventListener('click', () => {
    if (running) app.command((id) => app.api.pause(id));
    else if (!diverged()) app.command((id) => app.api.run(id, Number($('speed').value), $('stop-perfect').checked));
  });
  $('btn-step').addEventListener('click', () => {
    if (diverged()) return;
    const n = ++seq;
    pending.set(n, performance.now());
    app.command((id) => app.api.step(id, n));
  });
  $('btn-reset').addEventListener('click', () => app.command((id) => app.api.reset(id)));

  function showSetup(view) {
    const setup = view.setup;
    for (const el of document.querySelectorAll('#view-playground [data-key]')) {
      if (setup[el.dataset.key] !== undefined) el.value = setup[el.dataset.key];
    }
    $('noise-out').textContent = setup.noise;
    $('train-out').textContent = `${setup.train}%`;
    data = view.data;
    classification = data.classification;
    const generated = !['xor4', 'neuron', 'csv'].includes(setup.dataset);
    for (const id of ['set-noise', 'set-points']) $(id).disabled = !generated;
    $('set-train').disabled = !generated && setup.dataset !== 'csv';
    $('data-note').textContent = generated || setup.dataset === 'csv'
      ? `${data.train.length} training points, ${data.test.length} test points${setup.dataset === 'csv' ? ', from your CSV' : ''}.`
      : `The ${data.train.length === 1 ? 'single example is' : `${data.train.length} rows are`} both the training and the test set.`;
    $('set-loss').querySelector('[value=cross_entropy]').disabled = !classification;
    const { sizes, acts } = layersOf(setup);
    $('layer-count').textContent = `(${sizes.length} hidden layer${sizes.length === 1 ? '' : 's'})`;
    $('btn-add-layer').disabled = sizes.length >= app.limits.maxHiddenLayers || setup.dataset === 'neuron';
    $('btn-remove-layer').disabled = sizes.length === 0;
    const features = setup.features ? setup.features.split(',') : [];
    for (const box of document.querySelectorAll('#features input')) {
      box.checked = features.includes(box.value);
      box.disabled = data.inputs === 1;
    }
    diagram.build([view.inputNames.length, ...sizes, 1], acts, view.inputNames);
    $('loss-formula').textContent = `Loss: ${view.lossFormula}. Accuracy counts ŷ > 0.5 as class 1.`;
    if (view.rebuilt) history = [];
    drawPoints();
    showExport(view.export);
  }

  // The trained network as a checkpoint `backflow eval` (and PyTorch) loads; set-ups it cannot rebuild say why.
  function showExport(exp) {
    const link = $('export');
    if (!exp || exp.refusal) {
      link.removeAttribute('href');
      link.removeAttribute('download');
      link.setAttribute('aria-disabled', 'true');
      $('export-note').textContent = exp ? `(${exp.refusal})` : '';
      return;
    }
    link.href = `/api/sessions/${app.id}/export`;
    link.setAttribute('download', exp.file);
    link.removeAttribute('aria-disabled');
    $('export-note').textContent = `then: ${exp.command}`;
  }

  function drawPoints() {
    if (!data) return;
    const canvas = $('output-points');
    const ctx = canvas.getContext('2d');
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const d = data.domain;
    const oneD = data.inputs === 1;
    const toX = (x) => ((x - d.xMin) / (d.xMax - d.xMin)) * canvas.width;
    const toY = (y) => (oneD ? canvas.height / 2 : ((d.yMax - y) / (d.yMax - d.yMin)) * canvas.height);
    const draw = (rows, test) => {
      for (const row of rows) {
        const label = row[row.length - 1];
        ctx.beginPath();
        ctx.arc(toX(row[0]), toY(oneD ? 0 : row[1]), data.train.length <= 4 ? 7 : 3.5, 0, 2 * Math.PI);
        ctx.fillStyle = css(diverging(classification ? (label > 0.5 ? 1 : -1) : label));
        ctx.strokeStyle = test ? '#000' : '#fff';
        ctx.lineWidth = test ? 1.5 : 1;
        ctx.fill();
        ctx.stroke();
      }
    };
    draw(data.train, false);
    if ($('show-test').checked && !data.sharedTestSet) draw(data.test, true);
  }

  function onState(s, receivedAt) {
    lastSnapshot = s;
    window.__backflow.snapshots++;
    running = s.running;
    $('btn-run').textContent = running ? '⏸ Pause' : '▶ Run';
    $('step-count').textContent = String(s.step);
    $('epoch-count').textContent = String(s.epoch);
    $('run-status').textContent = s.stopReason || (running ? 'running' : 'paused');
    const m = s.metrics;
    $('train-loss').textContent = fixed(m.trainLoss);
    $('test-loss').textContent = fixed(m.testLoss);
    $('train-accuracy').textContent = percent(m.trainAccuracy);
    $('test-accuracy').textContent = percent(m.testAccuracy);
    paintHeatmap($('output-heatmap'), s.output, classification ? 0.5 : 0, classification ? 0.5 : 1);
    diagram.update(s, classification);

    if (history.length && s.step < history[history.length - 1][0]) history = [];
    if (history.length && s.step === history[history.length - 1][0]) history.pop();
    history.push([s.step, m.trainLoss, m.testLoss]);
    if (history.length > MAX_HISTORY) history = history.filter((_, i) => i % 2 === 0 || i === history.length - 1);
    drawLineChart($('loss-chart'), [
      { points: history.map((h) => [h[0], h[1]]), color: '#1f2933', label: 'training loss' },
      { points: history.map((h) => [h[0], h[2]]), color: '#9aa5b1', label: 'test loss', dash: [4, 3] },
    ], { xLabel: 'steps', yFromZero: true, xFromZero: true, empty: 'the loss curves appear as it trains' });

    if (s.seq !== null && s.seq !== undefined && pending.has(s.seq)) {
      const sent = pending.get(s.seq);
      pending.delete(s.seq);
      window.__backflow.latencies.push({ seq: s.seq, arrived: receivedAt - sent, drawn: performance.now() - sent,
        serverMillis: s.computeMillis });
    }
  }

  return {
    showSetup,
    onState,
    snapshot: () => lastSnapshot,
  };
}

// Rows of x1, x2, label from a CSV file: commas, semicolons, tabs or spaces between values; a header line is
// skipped; labels 0/1 (or -1/1, read as 0/1). Returns { csv } in the link's form "x1,x2,y;…", or { error }.
export function parseCsv(text) {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const rows = [];
  for (let i = 0; i < lines.length; i++) {
    const cells = lines[i].split(/[,;\t ]+/).filter((c) => c !== '');
    const numbers = cells.map(Number);
    if (i === 0 && numbers.some((v) => Number.isNaN(v))) continue; // a header
    if (cells.length !== 3) return { error: `line ${i + 1} has ${cells.length} values; each row is x1, x2, label` };
    const bad = cells.find((c, k) => !Number.isFinite(numbers[k]));
    if (bad !== undefined) return { error: `line ${i + 1}: '${bad}' is not a number` };
    if (numbers.slice(0, 2).some((v) => Math.abs(v) > 1000)) return { error: `line ${i + 1}: coordinates are at most 1000 either way` };
    const label = numbers[2] === -1 ? 0 : numbers[2];
    if (label !== 0 && label !== 1) return { error: `line ${i + 1}: the label is ${cells[2]}; labels are 0 or 1` };
    rows.push(`${numbers[0]},${numbers[1]},${label}`);
  }
  if (rows.length < 4 || rows.length > 200) return { error: `the file has ${rows.length} rows; 4 to 200 are needed` };
  return { csv: rows.join(';') };
}
