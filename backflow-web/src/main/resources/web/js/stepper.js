import { fixed, factor, moved } from './format.js';
import { WEIGHT_POSITIVE, WEIGHT_NEGATIVE } from './colors.js';
import { explainPhase, neuronName, paramName } from './stepper-text.js';
import { animateFlow } from './stepper-flow.js';
import { renderProgress } from './stepper-progress.js';

const $ = (id) => document.getElementById(id);
const SVG_NS = 'http://www.w3.org/2000/svg';
const MAX_EDGE_LABELS = 12;
/** Neuron radius, and the vertical room a neuron takes with its bias label under it. */
const RADIUS = 40;
const SLOT = 2 * RADIUS + 40;
/** The diagram is laid out at least this wide; a narrower screen scrolls it sideways. */
const MIN_WIDTH = 560;

// The set-ups behind the presets: the worked single neuron exactly as the article has it, and the classic
// 2-2-1 sigmoid XOR network on the 4-row truth table.
export const PRESETS = {
  neuron: { dataset: 'neuron', layers: '', act: '', loss: 'squared', opt: 'sgd', lr: '0.1', batch: '1', reg: 'none' },
  // Squared error as in the worked example; η = 5 because the batch mean and σ' ≤ 0.25 keep the steps small.
  xor: { dataset: 'xor4', layers: '2', act: 'sigmoid', loss: 'squared', opt: 'sgd', lr: '5', batch: '4',
    reg: 'none', init: 'xavier', seed: '0' },
};

// The phases of one step: the example enters, forward layer by layer, the loss, backward layer by layer
// from the output, the update.
// A value before and after the update: the article prints its new w to 5 decimals; otherwise as many as it
// takes to see the value move.
function move(before, after, article) {
  return article ? [fixed(before), fixed(after, 5)] : moved(before, after);
}

function phasesOf(trace) {
  const L = trace.layers.length;
  const list = [{ kind: 'start' }];
  for (let l = 1; l <= L; l++) list.push({ kind: 'forward', layer: l });
  list.push({ kind: 'loss' });
  for (let l = L; l >= 1; l--) list.push({ kind: 'backward', layer: l });
  list.push({ kind: 'update' });
  return list;
}

// The backprop stepper: a player over traces the engine recorded, one trace per real training step.
// Going back in time replays cached traces; going past the last update asks the server for a new step.
export function createStepper(app) {
  let traces = [];
  let t = -1;
  let p = 0;
  let row = 0;
  let selected = null; // { layer, to, from } with from = -1 for a bias
  let busy = false;
  let lossHistory = []; // [step, batch loss before the update, after it], for the loss-over-steps plot
  let shown = null; // the (trace, phase) last drawn, so a flow is animated once per phase change
  let lastPos = null; // the neuron centres the diagram was last drawn with

  const trace = () => (t >= 0 ? traces[t] : null);
  const phases = () => (trace() ? phasesOf(trace()) : []);
  const L = () => trace().layers.length;
  const forwardDone = (l) => trace() && p >= l;
  const lossDone = () => trace() && p >= L() + 1;
  const backwardDone = (l) => trace() && p >= 2 * L() + 2 - l;
  const updateDone = () => trace() && p === 2 * L() + 2;

  $('phase-next').addEventListener('click', next);
  $('phase-prev').addEventListener('click', prev);
  $('phase-scrub').addEventListener('input', () => { p = Number($('phase-scrub').value); render(); });
  $('article-rounding').addEventListener('change', render);
  // After a choice in either list the arrow keys step again: focus moves to Next, since arrows on a focused
  // <select> would change its choice (a keyboard trap where the hint says "→ next").
  $('preset').addEventListener('change', () => {
    const preset = PRESETS[$('preset').value];
    if (preset) app.changeSetup(preset);
    $('phase-next').focus();
  });
  $('trace-example').addEventListener('change', () => $('phase-next').focus());
  for (const b of document.querySelectorAll('[data-jump]')) {
    b.addEventListener('click', async () => {
      if (!trace() || updateDone()) await fetchTrace();
      if (!trace()) return;
      const n = L();
      p = { forward: 1, loss: n + 1, backward: n + 2, update: 2 * n + 2 }[b.dataset.jump];
      render();
    });
  }
  document.addEventListener('keydown', (e) => {
    if (app.view !== 'stepper' || e.altKey || e.ctrlKey || e.metaKey) return;
    const tag = (e.target && e.target.tagName) || '';
    if (['INPUT', 'SELECT', 'TEXTAREA'].includes(tag) && e.target.type !== 'range') return;
    if (tag === 'BUTTON' && (e.key === ' ' || e.key === 'Enter')) return; // the focused button's own action
    if (e.key === 'ArrowRight' || e.key === ' ') { e.preventDefault(); next(); }
    if (e.key === 'ArrowLeft') { e.preventDefault(); prev(); }
  });

  async function fetchTrace() {
    if (busy) return;
    if (lastSnapshot && lastSnapshot.diverged) {
      app.showBanner('training has diverged (a weight is NaN or infinite): lower the learning rate and press ⟲ Reset in the playground');
      return;
    }
    busy = true;
    try {
      const example = Number($('trace-example').value);
      const next = await app.command((id) => app.api.trace(id, example));
      if (!next) return;
      traces = traces.slice(0, t + 1);
      traces.push(next);
      if (traces.length > 50) traces.shift();
      lossHistory.push([next.step, next.loss.data, next.after.loss]);
      if (lossHistory.length > 500) lossHistory.shift();
      t = traces.length - 1;
      p = 0;
      row = 0;
      if (!selected || !next.params.some((q) => q.layer === selected.layer && q.to === selected.to && q.from === selected.from)) {
        const last = next.layers.length;
        selected = { layer: last, to: 0, from: 0 };
      }
    } finally {
      busy = false;
    }
  }

  // Presses that arrive while a step is being fetched are kept and played after it, so quick typing
  // (or a held key) never loses a phase.
  let queued = 0;
  async function next() {
    if (busy) { queued++; return; }
    await advance();
    while (queued > 0) { queued--; await advance(); }
  }

  async function advance() {
    if (trace() && p < phases().length - 1) p++;
    else if (t < traces.length - 1) { t++; p = 0; }
    else await fetchTrace();
    render();
  }

  function prev() {
    if (!trace() || busy) return;
    if (p > 0) p--;
    else if (t > 0) { t--; p = phases().length - 1; }
    render();
  }

  // A new set-up (or a reset) makes old traces describe another network: start over.
  function showSetup(view) {
    traces = [];
    t = -1;
    p = 0;
    selected = null;
    lossHistory = [];
    const presetFor = view.setup.dataset === 'neuron' ? 'neuron'
      : view.setup.dataset === 'xor4' && view.setup.layers === '2' && view.setup.act === 'sigmoid' ? 'xor' : 'current';
    $('preset').value = presetFor;
    const select = $('trace-example');
    select.innerHTML = '';
    const add = (value, text) => { const o = document.createElement('option'); o.value = value; o.textContent = text; select.appendChild(o); };
    const n = view.data.train.length, batch = Number(view.setup.batch);
    add(-1, n === 1 ? 'the example'
      : batch > n ? `the whole training set (${n} rows; batch size ${batch} is more than there are)`
        : batch === n ? `the whole training set (${n} rows)`
        : `the next mini-batch (batch size ${batch})`);
    view.data.train.slice(0, 50).forEach((r, i) => {
      const inputs = r.slice(0, -1).map((v) => fixed(v, 2)).join(', ');
      add(i, `example ${i}: x = (${inputs}), y = ${fixed(r[r.length - 1], 2)}`);
    });
    app.stepperStructure = view;
    render();
  }

  function onState(s) {
    // Training elsewhere (the playground) moved the network on: the cached traces are history now.
    // A trace's own step is streamed too, often before the trace itself arrives: while one is being
    // fetched, a newer step is that one, not training elsewhere.
    const tr = trace();
    if (!busy && tr && t === traces.length - 1 && s.step > traces[traces.length - 1].step) {
      traces = [];
      t = -1;
      p = 0;
      render();
    }
    lastSnapshot = s;
    if (!tr) render();
  }
  let lastSnapshot = null;

  function render() {
    const tr = trace();
    const list = phases();
    $('phase-scrub').max = String(Math.max(0, list.length - 1));
    $('phase-scrub').value = String(p);
    $('phase-prev').disabled = !tr || (t === 0 && p === 0);
    if (!tr) {
      $('phase-label').textContent = 'Press Next (→ or Space) to start a training step.';
      $('explain').textContent = 'The stepper runs one real training step of the network in the engine and plays it back phase by phase: '
        + 'the forward pass layer by layer, the loss, the backward pass layer by layer, and the update.';
      renderConvention();
      drawEmpty();
      $('quantities').innerHTML = '';
      $('chain').textContent = 'Click a weight (an edge) or a neuron (its bias) to see its chain-rule product once the backward pass reaches it.';
      $('article-box').hidden = true;
      renderProgress(null, lossHistory, false, false);
      shown = null;
      return;
    }
    const phase = list[p];
    $('phase-label').textContent = `Step ${tr.step} · phase ${p + 1} of ${list.length}: ${phaseTitle(tr, phase)}`;
    $('explain').textContent = explainPhase(tr, phase, row);
    renderConvention(tr);
    drawNetwork(tr);
    renderQuantities(tr);
    renderChain(tr);
    renderArticle(tr);
    renderProgress(tr, lossHistory, updateDone(), useArticle(tr));
    const now = `${tr.step}:${p}`;
    if (shown !== now) animateFlow($('stepper-svg'), tr, phase, row, lastPos, RADIUS);
    shown = now;
  }

  function phaseTitle(tr, phase) {
    const n = tr.layers.length;
    const name = (l) => (l === n ? 'output layer' : `layer ${l}`);
    if (phase.kind === 'start') return 'the example enters';
    if (phase.kind === 'forward') return `forward pass, ${name(phase.layer)}`;
    if (phase.kind === 'loss') return 'the loss';
    if (phase.kind === 'backward') return `backward pass, ${name(phase.layer)}`;
    return `update (${tr.update.optimizer}, η = ${tr.update.learningRate})`;
  }

  function renderConvention(tr) {
    const setup = app.setup || {};
    const formula = tr ? tr.loss.formula : (app.stepperStructure ? app.stepperStructure.lossFormula : '');
    const derivative = tr ? ` — hence ${tr.loss.derivative}` : '';
    $('loss-convention').textContent = `Loss convention: ${formula}${derivative}. `
      + (setup.loss === 'half_squared' ? 'The ½ (TensorFlow Playground’s convention) halves every gradient compared with (y − ŷ)².' : '')
      + (setup.loss === 'squared' ? 'Without the ½ that TensorFlow Playground uses, so gradients are twice Playground’s.' : '');
  }

  // ---- the diagram -------------------------------------------------------------------------------------

  // Columns left to right; each neuron gets a slot tall enough for its circle and the bias label under it.
  function layout(sizes) {
    const svg = $('stepper-svg');
    const width = Math.max(MIN_WIDTH, svg.parentElement.clientWidth || 760);
    const top = 36; // room for the loss above the output neuron
    const height = Math.max(420, top + Math.max(...sizes) * SLOT);
    svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    svg.style.width = `${width}px`;
    svg.style.height = `${height}px`;
    const cols = sizes.length;
    return sizes.map((n, c) => Array.from({ length: n }, (_, j) => ({
      x: 60 + (c * (width - 120)) / Math.max(1, cols - 1),
      y: top + ((height - top) * (j + 0.5)) / n,
    })));
  }

  function el(name, attrs, text) {
    const e = document.createElementNS(SVG_NS, name);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // Before the first step: the network's shape and current weights. The snapshot is drawn only when it has
  // this set-up's shape (after "+ layer" the stream may still carry the old network for a moment).
  function drawEmpty() {
    const svg = $('stepper-svg');
    svg.innerHTML = '';
    const view = app.stepperStructure;
    if (!view) return;
    const hidden = view.setup.layers ? view.setup.layers.split(',').map(Number) : [];
    const sizes = [view.inputNames.length, ...hidden, 1];
    const pos = layout(sizes);
    const w = lastSnapshot && lastSnapshot.weights;
    const fits = w && w.length === sizes.length - 1
      && w.every((layer, l) => layer.length === sizes[l + 1] && layer.every((r) => r.length === sizes[l]));
    if (fits) {
      w.forEach((layer, l) => layer.forEach((r, j) => r.forEach((v, i) => {
        const a = pos[l][i], b = pos[l + 1][j];
        const value = typeof v === 'number' ? v : 0;
        svg.appendChild(el('line', { x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: value >= 0 ? WEIGHT_POSITIVE : WEIGHT_NEGATIVE,
          'stroke-width': Math.min(8, 0.5 + 2 * Math.abs(value)), 'stroke-opacity': 0.6 }));
      })));
    }
    pos.forEach((col, c) => col.forEach((q) => {
      svg.appendChild(el('circle', { cx: q.x, cy: q.y, r: c === 0 ? 24 : RADIUS, fill: '#fff', stroke: '#52606d' }));
    }));
  }

  // The values the diagram shows: the engine's, or with the article's rounding once it is switched on.
  function shownValues(tr) {
    const art = useArticle(tr) ? tr.article : null;
    const n = tr.layers.length;
    return {
      art,
      a: (l, j) => (art && l === n ? art.yHat : tr.layers[l - 1].a[row][j]),
      dz: (l, j) => (art && l === n ? art.dLdb : tr.layers[l - 1].dLdz[row][j]),
      grad: (q) => (art ? (q.from >= 0 ? art.dLdw : art.dLdb) : q.grad),
      next: (q) => (art ? (q.from >= 0 ? art.newW : art.newB) : q.next),
      loss: art ? art.loss : tr.loss.value,
    };
  }

  function drawNetwork(tr) {
    const svg = $('stepper-svg');
    svg.innerHTML = '';
    const n = tr.layers.length;
    const sizes = [tr.inputNames.length, ...tr.layers.map((l) => l.z[0].length)];
    const pos = layout(sizes);
    lastPos = pos;
    const phase = phases()[p];
    const v = shownValues(tr);
    const weights = tr.params.filter((q) => q.from >= 0);
    const labelEdges = weights.length <= MAX_EDGE_LABELS;
    const weightNow = (q) => (updateDone() ? v.next(q) : q.old);
    const maxW = Math.max(1e-9, ...weights.map((q) => Math.abs(weightNow(q)) || 0));
    const edgeLayer = el('g', {});
    const nodeLayer = el('g', {});
    const flowLayer = el('g', { class: 'flows', 'aria-hidden': 'true' });
    svg.append(edgeLayer, nodeLayer, flowLayer);
    const taken = []; // boxes of everything drawn so far that a label must not cover

    tr.inputNames.forEach((name, i) => {
      const q = pos[0][i];
      const g = el('g', {});
      g.appendChild(el('circle', { cx: q.x, cy: q.y, r: 24, fill: '#f0f4f8', stroke: '#52606d' }));
      g.appendChild(el('text', { x: q.x, y: q.y - 3, 'text-anchor': 'middle', 'font-weight': 600 }, name));
      g.appendChild(el('text', { x: q.x, y: q.y + 12, 'text-anchor': 'middle', 'data-testid': `input-${i}` }, fixed(tr.inputs[row][i], 3)));
      nodeLayer.appendChild(g);
      taken.push({ x: q.x - 24, y: q.y - 24, width: 48, height: 48 });
    });

    tr.layers.forEach((layer, li) => {
      const l = li + 1;
      layer.z[0].forEach((_, j) => {
        const q = pos[l][j];
        const bias = tr.params.find((b) => b.layer === l && b.to === j && b.from < 0);
        const g = el('g', { class: 'neuron', 'data-testid': `neuron-${l}-${j}`, tabindex: 0, role: 'button',
          'aria-label': `${neuronName(tr, l, j)}; select its bias` });
        if ((phase.kind === 'forward' || phase.kind === 'backward') && phase.layer === l) g.classList.add('active');
        if (selected && selected.layer === l && selected.to === j && selected.from < 0) g.classList.add('selected');
        g.appendChild(el('circle', { cx: q.x, cy: q.y, r: RADIUS }));
        g.appendChild(el('text', { x: q.x, y: q.y - 22, 'text-anchor': 'middle', 'font-weight': 600 }, neuronName(tr, l, j)));
        if (forwardDone(l)) {
          g.appendChild(el('text', { x: q.x, y: q.y - 7, 'text-anchor': 'middle', 'data-testid': `z-${l}-${j}` }, `z=${fixed(layer.z[row][j])}`));
          g.appendChild(el('text', { x: q.x, y: q.y + 8, 'text-anchor': 'middle', 'data-testid': `a-${l}-${j}` }, `a=${fixed(v.a(l, j))}`));
        }
        if (backwardDone(l)) {
          g.appendChild(el('text', { x: q.x, y: q.y + 23, 'text-anchor': 'middle', class: 'grad', 'data-testid': `dz-${l}-${j}` },
            `∂L/∂z=${fixed(v.dz(l, j))}`));
        }
        let b;
        if (updateDone()) {
          const [before, after] = move(bias.old, v.next(bias), v.art);
          b = `b: ${before}→${after}`;
        } else {
          b = `b=${fixed(bias.old)}`;
        }
        g.appendChild(el('text', { x: q.x, y: q.y + RADIUS + 14, 'text-anchor': 'middle', class: 'small', 'data-testid': `b-${l}-${j}` }, b));
        const choose = () => { selected = { layer: l, to: j, from: -1 }; render(); };
        g.addEventListener('click', choose);
        g.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); choose(); } });
        nodeLayer.appendChild(g);
        taken.push({ x: q.x - RADIUS, y: q.y - RADIUS, width: 2 * RADIUS, height: 2 * RADIUS });
        for (const text of g.querySelectorAll('text')) taken.push(box(text));
      });
    });

    if (lossDone()) {
      const out = pos[n][0];
      const text = el('text', { x: out.x, y: out.y - RADIUS - 8, 'text-anchor': 'middle', 'font-weight': 600, 'data-testid': 'loss-on-diagram' },
        `L = ${fixed(v.loss)}`);
      nodeLayer.appendChild(text);
      taken.push(box(text));
    }

    for (const q of weights) {
      const a = pos[q.layer - 1][q.from], b = pos[q.layer][q.to];
      const w = weightNow(q);
      const g = el('g', { class: 'edge', 'data-testid': `w-${q.layer}-${q.to}-${q.from}`, tabindex: 0, role: 'button',
        'aria-label': `${paramName(tr, q)}: w = ${fixed(w)}${backwardDone(q.layer) ? `, ∂L/∂w = ${fixed(v.grad(q))}` : ''}` });
      if (isSelected(q)) g.classList.add('selected');
      g.appendChild(el('line', { x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: 'transparent', 'stroke-width': 14 }));
      g.appendChild(el('line', { class: 'shown', x1: a.x, y1: a.y, x2: b.x, y2: b.y,
        stroke: w >= 0 ? WEIGHT_POSITIVE : WEIGHT_NEGATIVE, 'stroke-opacity': 0.75,
        'stroke-width': (0.75 + 5 * Math.abs(w) / maxW).toFixed(2) }));
      const choose = () => { selected = { layer: q.layer, to: q.to, from: q.from }; render(); };
      g.addEventListener('click', choose);
      g.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); choose(); } });
      edgeLayer.appendChild(g);
      if (labelEdges || isSelected(q)) {
        const text = el('text', { 'text-anchor': 'middle', class: 'edge-label', 'data-testid': `wl-${q.layer}-${q.to}-${q.from}` });
        if (updateDone()) {
          const [before, after] = move(q.old, v.next(q), v.art);
          text.appendChild(el('tspan', {}, `${before}→${after}`));
        } else {
          text.appendChild(el('tspan', {}, `w=${fixed(q.old)}`));
          if (backwardDone(q.layer)) text.appendChild(el('tspan', { dy: 14, class: 'grad' }, `∂L/∂w=${fixed(v.grad(q))}`));
        }
        g.appendChild(text);
        placeLabel(text, a, b, taken, isSelected(q));
      }
    }
  }

  function box(text) {
    const b = text.getBBox();
    return { x: b.x, y: b.y, width: b.width, height: b.height };
  }

  const overlaps = (p, q) => p.x < q.x + q.width && q.x < p.x + p.width && p.y < q.y + q.height && q.y < p.y + p.height;

  // An edge's label goes at the first point along the edge where it covers no neuron and no other label;
  // where there is none the label is left out (the edge's aria-label and a click still give its numbers).
  function placeLabel(text, a, b, taken, keep) {
    const spans = [...text.querySelectorAll('tspan')];
    for (const k of [0.5, 0.38, 0.62, 0.28, 0.72, 0.2, 0.8, 0.45, 0.55]) {
      const x = a.x + (b.x - a.x) * k, y = a.y + (b.y - a.y) * k - 4;
      text.setAttribute('x', x);
      text.setAttribute('y', y);
      for (const s of spans) s.setAttribute('x', x);
      const r = box(text);
      if (r.width === 0) return; // not laid out (the view is hidden): placed again when it is shown
      const padded = { x: r.x - 2, y: r.y - 1, width: r.width + 4, height: r.height + 2 };
      if (!taken.some((o) => overlaps(o, padded))) { taken.push(padded); return; }
    }
    if (keep) { taken.push(box(text)); return; }
    text.remove();
  }

  function isSelected(q) {
    return selected && selected.layer === q.layer && selected.to === q.to && selected.from === q.from;
  }

  // ---- the side panel ----------------------------------------------------------------------------------

  function useArticle(tr) {
    return tr.article && $('article-rounding').checked;
  }

  function renderQuantities(tr) {
    const n = tr.layers.length;
    const out = tr.layers[n - 1];
    const q = tr.params.find(isSelected) || tr.params[0];
    const art = useArticle(tr) ? tr.article : null;
    const isWeight = q.from >= 0;
    const hidden = '…';
    const [before, after] = move(q.old, art ? (isWeight ? art.newW : art.newB) : q.next, art);
    const rows = [
      ['ŷ, the output', 'q-yhat', forwardDone(n) ? fixed(art ? art.yHat : out.a[row][0]) : hidden],
      ['y, the target', 'q-target', fixed(tr.targets[row][0])],
      ['L, the loss', 'q-loss', lossDone() ? fixed(art ? art.loss : tr.loss.value) : hidden],
      ['∂L/∂ŷ', 'q-dLdyhat', backwardDone(n) ? fixed(art ? art.dLdyHat : out.dLda[row][0]) : hidden],
      ['∂ŷ/∂z', 'q-dyhatdz', backwardDone(n) ? fixed(art ? art.dyHatdz : out.dadz[row][0]) : hidden],
      [`∂L/∂${isWeight ? 'w' : 'b'} (${q.name})`, 'q-grad',
        backwardDone(q.layer) ? fixed(art ? (isWeight ? art.dLdw : art.dLdb) : q.grad) : hidden],
      [`${q.name}: before → after the update`, 'q-new',
        updateDone() ? `${before} → ${after}` : fixed(q.old)],
    ];
    const table = $('quantities');
    table.innerHTML = '';
    for (const [label, testid, value] of rows) {
      const tr2 = document.createElement('tr');
      const a = document.createElement('td');
      a.textContent = label;
      const b = document.createElement('td');
      b.className = 'value';
      b.setAttribute('data-testid', testid);
      b.textContent = value;
      tr2.append(a, b);
      table.appendChild(tr2);
    }
    if (tr.batchSize > 1) {
      const r = document.createElement('tr');
      const c = document.createElement('td');
      c.colSpan = 2;
      c.className = 'small';
      c.textContent = `Values on neurons are for example ${tr.examples[row]} (shown: ${tr.examples.length} of a batch of ${tr.batchSize}); `
        + 'a gradient sums the contributions of every example.';
      const select = document.createElement('select');
      select.setAttribute('aria-label', 'Example of the batch to show');
      tr.examples.forEach((e, i) => { const o = document.createElement('option'); o.value = i; o.textContent = `example ${e}`; select.appendChild(o); });
      select.value = String(row);
      select.addEventListener('change', () => { row = Number(select.value); render(); });
      c.appendChild(select);
      r.appendChild(c);
      table.appendChild(r);
    }
  }

  function renderChain(tr) {
    const q = tr.params.find(isSelected);
    const box = $('chain');
    box.innerHTML = '';
    if (!q) { box.textContent = 'Click a weight (an edge) or a neuron (its bias).'; return; }
    const isWeight = q.from >= 0;
    const lines = [];
    lines.push(`${q.name}: ${paramName(tr, q)}`);
    if (!backwardDone(q.layer)) {
      lines.push(`Its gradient appears when the backward pass reaches ${q.layer === tr.layers.length ? 'the output layer' : `layer ${q.layer}`}.`);
      box.textContent = lines.join('\n');
      return;
    }
    const art = useArticle(tr) ? tr.article : null;
    const layer = tr.layers[q.layer - 1];
    const prevA = (r) => (q.layer === 1 ? tr.inputs[r] : tr.layers[q.layer - 2].a[r]);
    const terms = q.terms || tr.examples.map((e, r) => {
      const dzdw = isWeight ? prevA(r)[q.from] : 1;
      return { example: e, dLda: layer.dLda[r][q.to], dadz: layer.dadz[r][q.to], dzdw, product: layer.dLda[r][q.to] * layer.dadz[r][q.to] * dzdw };
    });
    const v = isWeight ? 'w' : 'b';
    let product;
    if (art) {
      const x = tr.inputs[0][0];
      lines.push(`∂L/∂${v} = ∂L/∂ŷ · ∂ŷ/∂z · ∂z/∂${v}   (ŷ rounded to ${fixed(art.yHat, 2)} first, as the article)`);
      lines.push(`      = ${factor(art.dLdyHat)} · ${factor(art.dyHatdz)} · ${factor(isWeight ? x : 1)}`);
      product = isWeight ? art.dLdw : art.dLdb;
      lines.push(`      = ${fixed(product)}`);
    } else if (terms.length === 1) {
      const c = terms[0];
      lines.push(`∂L/∂${v} = ∂L/∂a · ∂a/∂z · ∂z/∂${v}`);
      lines.push(`      = ${factor(c.dLda)} · ${factor(c.dadz)} · ${factor(c.dzdw)}`);
      product = c.product;
      lines.push(`      = ${fixed(product)}`);
    } else {
      lines.push(`∂L/∂${v} = Σ over the examples of ∂L/∂a · ∂a/∂z · ∂z/∂${v}`);
      for (const c of terms) lines.push(`  example ${c.example}: ${factor(c.dLda)} · ${factor(c.dadz)} · ${factor(c.dzdw)} = ${fixed(c.product)}`);
      product = terms.reduce((s, c) => s + c.product, 0);
      lines.push(`  sum = ${fixed(product)}${tr.examples.length < tr.batchSize ? ` (the first ${tr.examples.length} of ${tr.batchSize} examples are listed; the engine's sum covers all: ${fixed(q.dataGrad)})` : ''}`);
    }
    if (q.penaltyGrad && !art) lines.push(`  + the penalty's gradient ${fixed(q.penaltyGrad)} → ∂L/∂${v} = ${fixed(q.grad)}`);
    if (q.layer < tr.layers.length && !art) {
      const nextLayer = tr.params.filter((w) => w.layer === q.layer + 1 && w.from === q.to);
      const above = tr.layers[q.layer];
      const parts = nextLayer.map((w) => `${factor(w.old)}·${factor(above.dLdz[row][w.to])}`).join(' + ');
      lines.push(`where ∂L/∂a of ${neuronName(tr, q.layer, q.to)} = Σ w·∂L/∂z over the layer above = ${parts} = ${fixed(layer.dLda[row][q.to])}`);
    }
    if (tr.loss.fused && q.layer === tr.layers.length && !art) {
      lines.push(`(cross-entropy: the engine takes ∂L/∂z = (ŷ − y)/N = ${fixed(layer.dLdz[row][q.to])} in one fused op)`);
    }
    box.appendChild(document.createTextNode(lines.join('\n')));
    const result = document.createElement('div');
    const g = document.createElement('span');
    g.setAttribute('data-testid', 'chain-product');
    g.textContent = fixed(product);
    result.append('product: ', g);
    box.appendChild(result);
    if (updateDone()) {
      const u = tr.update;
      const line = document.createElement('div');
      const newValue = art ? (isWeight ? art.newW : art.newB) : q.next;
      const [before, after] = move(q.old, newValue, art);
      const result = document.createElement('span');
      result.setAttribute('data-testid', 'chain-update');
      result.textContent = after;
      const grad = art ? product : q.grad;
      line.append(u.optimizer === 'sgd'
        ? `update: ${v} ← ${v} − η·∂L/∂${v} = ${before} − ${u.learningRate} · ${factor(grad)} = `
        : `update (${u.optimizer}, η = ${u.learningRate}): ${before} → `, result);
      box.appendChild(line);
    }
  }

  // The article works through step 1 only; its box (and toggle) goes once the stepper is past it.
  function renderArticle(tr) {
    const box = $('article-box');
    box.hidden = !tr.article;
    if (!tr.article) return;
    const a = tr.article;
    const exactW = tr.params.find((q) => q.from >= 0);
    $('article-note').textContent = `Exact arithmetic (what the engine computes): ŷ = ${fixed(tr.layers[0].a[0][0], 6)}, `
      + `L = ${fixed(tr.loss.value, 6)}, ∂L/∂w = ${fixed(exactW.grad, 6)}, w → ${fixed(exactW.next, 6)}. The article prints `
      + `L = ${fixed(a.loss)}, ∂L/∂w = ${fixed(a.dLdw)} and w → ${fixed(a.newW, 5)} because it rounds ŷ to ${fixed(a.yHat, 2)} `
      + `before the backward pass: then ∂L/∂ŷ = ${fixed(a.dLdyHat, 1)} and ∂ŷ/∂z = ${fixed(a.dyHatdz)} exactly. `
      + 'Neither is wrong; the difference is only that early rounding.';
  }

  return { showSetup, onState, render };
}
