import { fixed } from './format.js';
import { GRADIENT } from './colors.js';

// Gradients visibly flowing, for the backprop stepper: on a forward phase each edge into the layer carries
// its w·a towards the neuron; on a backward phase each edge carries w·∂L/∂z back to the neuron it came from
// (and ∂L/∂ŷ leaves the loss for the output). Skipped when the reader asks for reduced motion; the phase's
// numbers are on the diagram either way. The svg's data-flow says what was launched, for tests and tools.

const SVG_NS = 'http://www.w3.org/2000/svg';
const FLOW_MILLIS = 700;

function el(name, attrs, text) {
  const e = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

// pos: neuron centres [layer][neuron] as the diagram drew them; radius: a neuron's.
export function animateFlow(svg, tr, phase, row, pos, radius) {
  const layer = svg.querySelector('g.flows');
  if (!layer || (phase.kind !== 'forward' && phase.kind !== 'backward')) { svg.dataset.flow = 'none'; return; }
  if (window.matchMedia('(prefers-reduced-motion: reduce)').matches) { svg.dataset.flow = 'reduced'; return; }
  const l = phase.layer;
  const into = tr.params.filter((q) => q.layer === l && q.from >= 0);
  const forward = phase.kind === 'forward';
  const labelled = into.length <= 4; // more labels in flight would only cover each other
  let count = 0;
  for (const q of into) {
    const src = pos[l - 1][q.from], dst = pos[l][q.to];
    const [from, to] = forward ? [src, dst] : [dst, src];
    const input = l === 1 ? tr.inputs[row][q.from] : tr.layers[l - 2].a[row][q.from];
    const value = forward ? q.old * input : q.old * tr.layers[l - 1].dLdz[row][q.to];
    launch(layer, from, to, forward, labelled ? fixed(value, 3) : null, forward ? q.to : q.from);
    count++;
  }
  if (!forward && l === tr.layers.length) {
    const out = pos[l][0];
    launch(layer, { x: out.x, y: out.y - radius - 14 }, out, false, null, 0);
    count++;
  }
  svg.dataset.flow = `${phase.kind}:${count}`;
}

// One value on its way; k staggers the departures so values leaving one neuron do not cover each other.
function launch(layer, from, to, forward, label, k) {
  const dot = el('g', { class: `flow ${forward ? 'forward' : 'backward'}` });
  dot.appendChild(el('circle', { cx: from.x, cy: from.y, r: 5, fill: forward ? '#1d3557' : GRADIENT }));
  if (label !== null) dot.appendChild(el('text', { x: from.x, y: from.y - 8, 'text-anchor': 'middle', class: forward ? '' : 'grad' }, label));
  layer.appendChild(dot);
  const flight = dot.animate([
    { transform: 'translate(0px, 0px)', opacity: 1 },
    { transform: `translate(${to.x - from.x}px, ${to.y - from.y}px)`, opacity: 1, offset: 0.85 },
    { transform: `translate(${to.x - from.x}px, ${to.y - from.y}px)`, opacity: 0 },
  ], { duration: FLOW_MILLIS, delay: 150 * (k % 4), easing: 'ease-in-out', fill: 'both' });
  flight.onfinish = () => dot.remove();
}
