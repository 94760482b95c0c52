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
    const example = Number($('graph-example').value);
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

  function showError(message) {
    $('graph-error').hidden = false;
    $('graph-error').textContent = message;
  }

  async function evaluate() {
    $('graph-error').hidden = true;
    const result = await app.call(() => app.api.graph($('graph-expression').value, $('graph-values').value), showError);
    if (result) draw(result);
  }

  // Column = longest path from an input; rows in order of creation within a column.
  function draw(result) {
    const svg = $('graph-svg');
    svg.innerHTML = '';
    const depth = new Map();
    for (const n of result.nodes) depth.set(n.id, n.inputs.length ? 1 + Math.max(...n.inputs.map((i) => depth.get(i))) : 0);
    const columns = [];
    for (const n of result.nodes) {
      const d = depth.get(n.id);
      (columns[d] = columns[d] || []).push(n);
    }
    const rows = Math.max(...columns.map((c) => c.length));
    const width = columns.length * COL + 20;
    const height = rows * ROW + 30;
    svg.setAttribute('width', width);
    svg.setAttribute('height', height);
    svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    const pos = new Map();
    columns.forEach((col, c) => col.forEach((n, r) => {
      const offset = ((rows - col.length) * ROW) / 2;
      pos.set(n.id, { x: 10 + c * COL, y: 15 + offset + r * ROW });
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
    for (const n of result.nodes) {
      n.inputs.forEach((i, k) => {
        const a = pos.get(i), b = pos.get(n.id);
        const x1 = a.x + BOX_W, y1 = a.y + BOX_H / 2, x2 = b.x, y2 = b.y + BOX_H / 2;
        const mx = (x1 + x2) / 2;
        svg.appendChild(el('path', { d: `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`, fill: 'none', stroke: '#52606d',
          'marker-end': 'url(#arrow)' }));
        const local = n.local[k];
        svg.appendChild(el('text', { x: x1 + (x2 - x1) * 0.55, y: y1 + (y2 - y1) * 0.55 - 4, class: 'local', 'text-anchor': 'middle' },
          `×${fixed(local, 3)}`));
      });
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
