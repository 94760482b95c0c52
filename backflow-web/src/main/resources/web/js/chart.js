import { short } from './format.js';

// A small line chart on a canvas: series of [x, y] points, a linear or log-10 y axis, a legend.
// Points that are not finite numbers (a diverged run) are left out, breaking the line there.
export function drawLineChart(canvas, series, options = {}) {
  const ctx = canvas.getContext('2d');
  const w = canvas.width;
  const h = canvas.height;
  const pad = { left: 46, right: 8, top: options.title ? 18 : 8, bottom: 18 };
  ctx.clearRect(0, 0, w, h);
  ctx.font = '10px system-ui, sans-serif';

  const log = !!options.logY;
  const usable = (y) => typeof y === 'number' && Number.isFinite(y) && (!log || y > 0);
  let xMin = Infinity, xMax = -Infinity, yMin = Infinity, yMax = -Infinity;
  for (const s of series) {
    for (const [x, y] of s.points) {
      if (!usable(y)) continue;
      const v = log ? Math.log10(y) : y;
      xMin = Math.min(xMin, x); xMax = Math.max(xMax, x);
      yMin = Math.min(yMin, v); yMax = Math.max(yMax, v);
    }
  }
  if (options.title) {
    ctx.fillStyle = '#333';
    ctx.fillText(options.title, pad.left, 12);
  }
  if (!Number.isFinite(xMin)) {
    ctx.fillStyle = '#888';
    ctx.fillText(options.empty || 'no data yet', pad.left + 4, h / 2);
    return;
  }
  if (xMax === xMin) xMax = xMin + 1;
  if (log) { yMin = Math.floor(yMin); yMax = Math.ceil(yMax); }
  if (options.yFromZero && !log) yMin = Math.min(0, yMin);
  if (yMax - yMin < 1e-12) { yMax += 0.5; yMin -= 0.5; }
  const px = (x) => pad.left + ((x - xMin) / (xMax - xMin)) * (w - pad.left - pad.right);
  const py = (v) => h - pad.bottom - ((v - yMin) / (yMax - yMin)) * (h - pad.top - pad.bottom);

  // Axes and y ticks: powers of ten on a log axis, five even ticks otherwise.
  ctx.strokeStyle = '#ccc';
  ctx.fillStyle = '#666';
  ctx.beginPath();
  ctx.moveTo(pad.left, pad.top); ctx.lineTo(pad.left, h - pad.bottom); ctx.lineTo(w - pad.right, h - pad.bottom);
  ctx.stroke();
  const ticks = [];
  if (log) {
    const stride = Math.max(1, Math.ceil((yMax - yMin) / 6));
    for (let e = yMin; e <= yMax; e += stride) ticks.push([e, `1e${e}`]);
  } else {
    for (let i = 0; i <= 4; i++) { const v = yMin + (i / 4) * (yMax - yMin); ticks.push([v, short(v)]); }
  }
  for (const [v, label] of ticks) {
    const y = py(v);
    ctx.strokeStyle = '#eee';
    ctx.beginPath(); ctx.moveTo(pad.left, y); ctx.lineTo(w - pad.right, y); ctx.stroke();
    ctx.fillText(label, 2, y + 3);
  }
  ctx.fillText(short(xMin), pad.left, h - 5);
  const xMaxLabel = `${short(xMax)}${options.xLabel ? ' ' + options.xLabel : ''}`;
  ctx.fillText(xMaxLabel, w - pad.right - ctx.measureText(xMaxLabel).width, h - 5);

  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.lineWidth = s.width || 1.5;
    ctx.setLineDash(s.dash || []);
    ctx.beginPath();
    let pen = false;
    for (const [x, y] of s.points) {
      if (!usable(y)) { pen = false; continue; }
      const X = px(x), Y = py(log ? Math.log10(y) : y);
      if (pen) ctx.lineTo(X, Y); else ctx.moveTo(X, Y);
      pen = true;
    }
    ctx.stroke();
  }
  ctx.setLineDash([]);
  ctx.lineWidth = 1;

  // Legend, top right.
  let ly = pad.top + 10;
  for (const s of series.filter((s) => s.label)) {
    const text = s.label;
    const tw = ctx.measureText(text).width;
    ctx.fillStyle = s.color;
    ctx.fillRect(w - pad.right - tw - 16, ly - 6, 10, 3);
    ctx.fillStyle = '#333';
    ctx.fillText(text, w - pad.right - tw - 2, ly);
    ly += 12;
  }
}

// Vertical bars, one per label, for values in [0, 1] (the dead-ReLU fractions).
export function drawBars(canvas, labels, values, options = {}) {
  const ctx = canvas.getContext('2d');
  const w = canvas.width, h = canvas.height;
  const pad = { left: 34, right: 8, top: options.title ? 18 : 8, bottom: 18 };
  ctx.clearRect(0, 0, w, h);
  ctx.font = '10px system-ui, sans-serif';
  if (options.title) { ctx.fillStyle = '#333'; ctx.fillText(options.title, pad.left, 12); }
  ctx.fillStyle = '#666';
  ctx.fillText('100%', 2, pad.top + 4);
  ctx.fillText('0%', 2, h - pad.bottom);
  const bw = (w - pad.left - pad.right) / Math.max(1, labels.length);
  labels.forEach((label, i) => {
    const v = Math.max(0, Math.min(1, values[i] || 0));
    const bh = v * (h - pad.top - pad.bottom);
    ctx.fillStyle = options.color || '#c0392b';
    ctx.fillRect(pad.left + i * bw + 3, h - pad.bottom - bh, bw - 6, bh);
    ctx.fillStyle = '#333';
    ctx.fillText(label, pad.left + i * bw + 3, h - 5);
  });
}
