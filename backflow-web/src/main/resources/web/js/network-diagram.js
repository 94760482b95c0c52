import { paintHeatmap, activationScale } from './heatmap.js';
import { WEIGHT_POSITIVE, WEIGHT_NEGATIVE } from './colors.js';
import { fixed } from './format.js';

const NODE = 40;
const ROW = 50;
const TOP = 64;
const SVG_NS = 'http://www.w3.org/2000/svg';

// The playground's network: inputs on the left, a column per layer, the output on the right. Each hidden
// neuron is a small canvas painted with its activation over the input plane; each weight is an edge
// whose width is |w| and whose colour is its sign. The structure is rebuilt only when the shape changes;
// each snapshot just repaints canvases and restyles edges.
export class NetworkDiagram {
  constructor(container, editor) {
    this.container = container;
    this.editor = editor; // { addNeuron(l), removeNeuron(l), setActivation(l, act) }
    this.shapeKey = null;
  }

  // sizes: [inputs, hidden..., 1]; activations: one per hidden layer.
  build(sizes, activations, inputNames) {
    const key = JSON.stringify([sizes, activations, inputNames]);
    if (key === this.shapeKey) return;
    this.shapeKey = key;
    this.sizes = sizes;
    this.activations = activations;
    const c = this.container;
    c.innerHTML = '';
    const width = Math.max(300, c.clientWidth || 600); // a phone's column; wider networks scroll sideways
    const columns = sizes.length;
    const gap = (width - NODE - 60) / Math.max(1, columns - 1);
    const height = TOP + Math.max(...sizes) * ROW + 10;
    c.style.height = `${height}px`;
    this.pos = sizes.map((n, l) => {
      const x = 30 + l * gap;
      const offset = (Math.max(...sizes) - n) * ROW / 2;
      return Array.from({ length: n }, (_, j) => ({ x, y: TOP + offset + j * ROW }));
    });

    const svg = document.createElementNS(SVG_NS, 'svg');
    svg.setAttribute('class', 'edges');
    svg.setAttribute('width', width);
    svg.setAttribute('height', height);
    c.appendChild(svg);
    this.edges = [];
    for (let l = 1; l < columns; l++) {
      const layerEdges = [];
      for (let j = 0; j < sizes[l]; j++) {
        const row = [];
        for (let i = 0; i < sizes[l - 1]; i++) {
          const a = this.pos[l - 1][i], b = this.pos[l][j];
          const x1 = a.x + NODE, y1 = a.y + NODE / 2, x2 = b.x, y2 = b.y + NODE / 2;
          const path = document.createElementNS(SVG_NS, 'path');
          const mx = (x1 + x2) / 2;
          path.setAttribute('d', `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`);
          path.setAttribute('fill', 'none');
          path.setAttribute('data-testid', `edge-${l}-${j}-${i}`);
          const title = document.createElementNS(SVG_NS, 'title');
          path.appendChild(title);
          svg.appendChild(path);
          row.push(path);
        }
        layerEdges.push(row);
      }
      this.edges.push(layerEdges);
    }

    this.canvases = [];
    sizes.forEach((n, l) => {
      const column = [];
      for (let j = 0; j < n; j++) {
        const p = this.pos[l][j];
        const node = document.createElement('div');
        node.className = l === 0 ? 'node input' : 'node';
        node.style.left = `${p.x}px`;
        node.style.top = `${p.y}px`;
        if (l === 0) {
          node.textContent = inputNames[j];
        } else {
          const canvas = document.createElement('canvas');
          canvas.width = 16;
          canvas.height = 16;
          canvas.setAttribute('data-testid', l === sizes.length - 1 ? 'node-output' : `node-${l}-${j}`);
          node.appendChild(canvas);
          column.push(canvas);
          node.title = l === sizes.length - 1 ? 'output ŷ' : `layer ${l}, neuron ${j + 1}`;
        }
        c.appendChild(node);
      }
      this.canvases.push(column);
      this.addHead(l, n, gap);
    });
  }

  addHead(l, n, gap) {
    const head = document.createElement('div');
    head.className = 'layer-head';
    head.style.left = `${this.pos[l][0].x + NODE / 2 - 45}px`;
    head.style.top = '0px';
    const last = this.sizes.length - 1;
    if (l === 0) {
      head.textContent = 'inputs';
    } else if (l === last) {
      head.textContent = 'output';
    } else {
      const label = document.createElement('div');
      label.textContent = `${n} neuron${n === 1 ? '' : 's'}`;
      const plus = document.createElement('button');
      plus.textContent = '+';
      plus.setAttribute('aria-label', `Add a neuron to layer ${l}`);
      plus.addEventListener('click', () => this.editor.addNeuron(l));
      const minus = document.createElement('button');
      minus.textContent = '−';
      minus.setAttribute('aria-label', `Remove a neuron from layer ${l}`);
      minus.addEventListener('click', () => this.editor.removeNeuron(l));
      const select = document.createElement('select');
      select.setAttribute('aria-label', `Activation of layer ${l}`);
      select.setAttribute('data-testid', `activation-${l}`);
      for (const [value, text] of [['tanh', 'tanh'], ['sigmoid', 'sigmoid'], ['relu', 'ReLU'], ['leaky_relu', 'leaky ReLU']]) {
        const o = document.createElement('option');
        o.value = value;
        o.textContent = text;
        select.appendChild(o);
      }
      select.value = this.activations[l - 1];
      select.addEventListener('change', () => this.editor.setActivation(l, select.value));
      head.append(plus, minus, label, select);
    }
    this.container.appendChild(head);
  }

  // Repaints from a snapshot: weights [layer][to][from], neuron heatmaps [hidden layer][neuron], output heatmap.
  update(snapshot, classification) {
    let maxW = 0;
    for (const layer of snapshot.weights) for (const row of layer) for (const w of row) {
      if (typeof w === 'number' && Math.abs(w) > maxW) maxW = Math.abs(w);
    }
    snapshot.weights.forEach((layer, l) => layer.forEach((row, j) => row.forEach((w, i) => {
      const path = this.edges[l] && this.edges[l][j] && this.edges[l][j][i];
      if (!path) return;
      const value = typeof w === 'number' ? w : 0;
      // Width grows with |w| relative to the largest weight, so the picture reads at any scale.
      path.setAttribute('stroke-width', (0.5 + 6 * Math.abs(value) / (maxW || 1)).toFixed(2));
      path.setAttribute('stroke', value >= 0 ? WEIGHT_POSITIVE : WEIGHT_NEGATIVE);
      path.setAttribute('stroke-opacity', '0.8');
      path.setAttribute('data-weight', String(w));
      // Hovering an edge shows its weight and the gradient the last step gave it (TensorFlow Playground
      // shows the weight only).
      const g = snapshot.grads && snapshot.grads[l] && snapshot.grads[l][j] ? snapshot.grads[l][j][i] : null;
      path.setAttribute('data-grad', g === null ? '' : String(g));
      path.firstChild.textContent = `w = ${fixed(w)} (layer ${l + 1}, to neuron ${j + 1} from ${l === 0 ? 'input' : 'neuron'} ${i + 1})`
        + (g === null ? '; ∂L/∂w appears after the first step' : `\n∂L/∂w = ${fixed(g)} at the last step`);
    })));
    snapshot.neurons.forEach((layer, l) => layer.forEach((heatmap, j) => {
      const canvas = this.canvases[l + 1] && this.canvases[l + 1][j];
      if (!canvas) return;
      const { center, scale } = activationScale(this.activations[l], heatmap.values);
      paintHeatmap(canvas, heatmap, center, scale);
    }));
    const out = this.canvases[this.canvases.length - 1][0];
    if (out) paintHeatmap(out, snapshot.output, classification ? 0.5 : 0, classification ? 0.5 : 1);
  }
}
