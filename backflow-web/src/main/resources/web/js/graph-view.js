import { fixed } from './format.js';

const $ = (id) => document.getElementById(id);
const SVG_NS = 'http://www.w3.org/2000/svg';
const BOX_W = 150;
const BOX_H = 56;
const COL = 200;
const ROW = 78;

// The computational graph view: the server parses the expression, builds it from engine tensors and runs
// backward; this view lays the returned nodes out left to right (inputs first, the output last).
export function createGraphView(app) {
  $('graph-form').addEventListener('submit', (e) => { e.preventDefault(); evaluate(); });
  $('graph-layer').addEventListener('change', fillNeurons);
  $('graph-load-neuron').addEventListener('click', async () => {
    const layer = Number($('graph-layer').value), neuron = Number($('graph-neuron').value);
    const example = Number($('graph-example').value), last = Number($('graph-example').max);
    if (!Number.isInteger(example) || example < 0 || example > last) {
      showError(`example must be a whole number from 0 to ${last} (the training set has ${last + 1} examples)`);
      return;
    }
    const r = await app.command((id) => app.api.neuronExpression(id, layer, neuron, example), showError);
    if (!r) return;
    $('graph-expression').value = r.expression;
    $('graph-values').value = Object.entries(r.values).map(([k, v]) => `${k}=${Number(v.toFixed(4))}`).join(', ');
    evaluate();
  });

  let sizes = [];
  function showSetup(view) {
    const hidden = view.setup.layers ? view.setup.layers.split(',').map(Number) : [];
    sizes = [...hidden, 1];
    const select = $('graph-layer');
    select.innerHTML = '';
    sizes.forEach((n, i) => {
      const o = document.createElement('option');
      o.value = i + 1;
      o.textContent = i === sizes.length - 1 ? `${i + 1} (output)` : String(i + 1);
      select.appendChild(o);
    });
    $('graph-example').max = String(view.data.train.length - 1);
    fillNeurons();
  }

  function fillNeurons() {
    const n = sizes[Number($('graph-layer').value) - 1] || 1;
    const select = $('graph-neuron');
    select.innerHTML = '';
    for (let j = 0; j < n; j++) {
      const o = document.createElement('option');
      o.value = j;
      o.textContent = String(j + 1);
      select.appendChild(o);
    }
  }

  // An error replaces the graph: a stale graph under the message would look like the answer.
  function showError(message) {
    $('graph-error').hidden = false;
    $('graph-error').textContent = message;
    $('graph-svg').innerHTML = '';
    $('graph-svg').setAttribute('width', 0);
    $('graph-svg').setAttribute('height', 0);
    $('graph-note').hidden = true;
  }

  async function evaluate() {
    $('graph-error').hidden = true;
    const expression = $('graph-expression').value, values = $('graph-values').value;
    const check = await app.call(() => app.api.checkGraph(expression, values), showError);
    if (!check) return;
    if (!check.ok) { showError(check.error); return; }
    const result = await app.call(() => app.api.graph(expression, values), showError);
    if (result) draw(result);
  }

  const notFinite = (v) => typeof v === 'string' || (typeof v === 'number' && !Number.isFinite(v));

  // Float arithmetic does not fail on 1/0 or log(0): it gives ±Infinity (and NaN from ∞ − ∞ or 0·∞), and
  // every gradient through such a node is not finite either. Say so beside the graph.
  function noteInfinities(result) {
    const bad = result.nodes.filter((n) => notFinite(n.value) || notFinite(n.grad));
    const note = $('graph-note');
    note.hidden = bad.length === 0;
    if (!bad.length) return;
    const names = bad.slice(0, 4).map((n) => `${n.label} = ${fixed(n.value)}`).join(', ');
    note.textContent = `Not finite: ${names}${bad.length > 4 ? ', …' : ''}. In float arithmetic 1/0 is Infinity and log(0) is `
      + '−Infinity, and Infinity − Infinity or 0 · Infinity is NaN; the engine computes them without an error, so each '
      + 'value and gradient downstream of such a node is not finite either. Change the values to avoid the pole.';
  }

  // Columns by longest path from an input. An edge that skips columns passes through a free slot in each
  // column it crosses (as in a layered graph drawing), so it never runs behind another node's box; slots in
  // a column are ordered by the rows of what feeds them, which keeps crossings few.
  function draw(result) {
    const svg = $('graph-svg');
    svg.innerHTML = '';
    noteInfinities(result);
    const depth = new Map();
    for (const n of result.nodes) depth.set(n.id, n.inputs.length ? 1 + Math.max(...n.inputs.map((i) => depth.get(i))) : 0);
    const columns = [];
    const slot = (c) => (columns[c] = columns[c] || []);
    const routes = []; // per edge: the chain of slots from the input's box to the node's box
    for (const n of result.nodes) slot(depth.get(n.id)).push({ node: n });
    for (const n of result.nodes) {
      n.inputs.forEach((i, k) => {
        const path = [];
        for (let c = depth.get(i) + 1; c < depth.get(n.id); c++) {
          const dummy = { dummy: true };
          slot(c).push(dummy);
          path.push(dummy);
        }
        routes.push({ from: i, to: n.id, k, node: n, path });
      });
    }
    // Order each column by the mean row of what feeds its slots (one sweep left to right).
    const rowOf = new Map();
    const feeds = new Map();
    for (const r of routes) {
      const chain = [{ id: r.from }, ...r.path, { id: r.to }];
      for (let s = 1; s < chain.length; s++) {
        const key = chain[s].dummy ? chain[s] : chain[s].id;
        if (!feeds.has(key)) feeds.set(key, []);
        feeds.get(key).push(chain[s - 1].dummy ? chain[s - 1] : chain[s - 1].id);
      }
    }
    columns.forEach((col, c) => {
      if (c > 0) {
        const mean = (e) => {
          const f = feeds.get(e.dummy ? e : e.node.id) || [];
          const rows = f.map((x) => rowOf.get(x)).filter((x) => x !== undefined);
          return rows.length ? rows.reduce((a, b) => a + b, 0) / rows.length : 0;
        };
        col.forEach((e, i) => { e.order = mean(e) + i * 1e-6; });
        col.sort((a, b) => a.order - b.order);
      }
      col.forEach((e, r) => rowOf.set(e.dummy ? e : e.node.id, r));
    });
    const rows = Math.max(...columns.map((c) => c.length));
    const width = columns.length * COL + 20;
    const height = rows * ROW + 30;
    svg.setAttribute('width', width);
    svg.setAttribute('height', height);
    svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    const pos = new Map();
    columns.forEach((col, c) => col.forEach((e, r) => {
      const offset = ((rows - col.length) * ROW) / 2;
      pos.set(e.dummy ? e : e.node.id, { x: 10 + c * COL, y: 15 + offset + r * ROW });
    }));
    const el = (name, attrs, text) => {
      const e = document.createElementNS(SVG_NS, name);
      for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
      if (text !== undefined) e.textContent = text;
      return e;
    };
    const defs = el('defs', {});
    const marker = el('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto' });
    marker.appendChild(el('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#52606d' }));
    defs.appendChild(marker);
    svg.appendChild(defs);
    const curve = (x1, y1, x2, y2) => { const mx = (x1 + x2) / 2; return `C${mx},${y1} ${mx},${y2} ${x2},${y2}`; };
    for (const r of routes) {
      const a = pos.get(r.from), b = pos.get(r.to);
      let x = a.x + BOX_W, y = a.y + BOX_H / 2;
      let d = `M${x},${y}`;
      for (const dummy of r.path) {
        const q = pos.get(dummy);
        const yy = q.y + BOX_H / 2;
        d += ` ${curve(x, y, q.x, yy)} L${q.x + BOX_W},${yy}`;
        x = q.x + BOX_W;
        y = yy;
      }
      const x2 = b.x, y2 = b.y + BOX_H / 2;
      d += ` ${curve(x, y, x2, y2)}`;
      svg.appendChild(el('path', { d, fill: 'none', stroke: '#52606d', 'marker-end': 'url(#arrow)',
        'data-testid': `graph-edge-${r.from}-${r.to}` }));
      svg.appendChild(el('text', { x: x + (x2 - x) * 0.55, y: y + (y2 - y) * 0.55 - 4, class: 'local', 'text-anchor': 'middle' },
        `×${fixed(r.node.local[r.k], 3)}`));
    }
    for (const n of result.nodes) {
      const q = pos.get(n.id);
      const g = el('g', { 'data-testid': `graph-node-${n.id}`, 'data-label': n.label });
      const cls = `node ${n.kind}${n.id === result.output ? ' output' : ''}`;
      g.appendChild(el('rect', { x: q.x, y: q.y, width: BOX_W, height: BOX_H, rx: 6, class: cls }));
      g.appendChild(el('text', { x: q.x + BOX_W / 2, y: q.y + 16, 'text-anchor': 'middle', 'font-weight': 600 },
        n.label));
      g.appendChild(el('text', { x: q.x + 8, y: q.y + 33, 'data-testid': `graph-value-${n.id}` }, `value ${fixed(n.value)}`));
      g.appendChild(el('text', { x: q.x + 8, y: q.y + 49, class: 'local', 'data-testid': `graph-grad-${n.id}` },
        n.grad === null ? 'constant: no grad' : `grad ${fixed(n.grad)}`));
      svg.appendChild(g);
    }
  }

  let evaluated = false;
  return { showSetup, evaluate, shown: () => { if (!evaluated) { evaluated = true; evaluate(); } } };
}
