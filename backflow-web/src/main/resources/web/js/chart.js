import { short } from './format.js';

// A small line chart on a canvas: series of [x, y] points, a linear or log-10 y axis, a legend in a band
// above the plot (so it never covers a curve). Points that are not finite numbers (a diverged run) are
// left out, breaking the line there; a series that ends before the others ends in a ✕, and a series of a
// few points is drawn with dots, so a run that diverged at step 2 reads as that and not as a spike.
// Options: title, xLabel (a plural unit: "steps"), logY, yFromZero, xFromZero, markers, empty. Returns the labels
// of the series that end early ({ ended }).
export function drawLineChart(canvas, series, options = {}) {
  const ctx = canvas.getContext('2d');
  const w = canvas.width;
  const h = canvas.height;
  ctx.clearRect(0, 0, w, h);
  ctx.font = '10px system-ui, sans-serif';
  const pad = { left: 46, right: 8, top: options.title ? 18 : 8, bottom: 18 };

  // The legend's rows, laid out first so the plot starts under them.
  const legend = [];
  let lx = pad.left, rows = 0;
  for (const s of series.filter((s) => s.label)) {
    const width = 14 + ctx.measureText(s.label).width + 12;
    if (lx + width > w - pad.right && lx > pad.left) { lx = pad.left; rows++; }
    legend.push({ s, x: lx, row: rows });
    lx += width;
  }
  const legendTop = pad.top;
  if (legend.length) pad.top += (rows + 1) * 12 + 4;

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
    ctx.fillStyle = '#616e7c';
    ctx.fillText(options.empty || 'no data yet', pad.left + 4, h / 2);
    return;
  }
  const lastX = xMax; // where the data end, before the axis is widened
  if (options.xFromZero) xMin = Math.min(0, xMin);
  if (xMax === xMin) xMax = xMin + 1;
  if (log) { yMin = Math.floor(yMin); yMax = Math.ceil(yMax); }
  if (options.yFromZero && !log) yMin = Math.min(0, yMin);
  if (yMax - yMin < 1e-12) { yMax += 0.5; yMin -= 0.5; }
  const px = (x) => pad.left + ((x - xMin) / (xMax - xMin)) * (w - pad.left - pad.right);
  const py = (v) => h - pad.bottom - ((v - yMin) / (yMax - yMin)) * (h - pad.top - pad.bottom);

  // Axes and y ticks: powers of ten on a log axis, five even ticks otherwise.
  ctx.strokeStyle = '#ccc';
  ctx.fillStyle = '#555';
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
  const unit = options.xLabel ? ` ${xMax === 1 ? options.xLabel.replace(/s$/, '') : options.xLabel}` : '';
  const xMaxLabel = `${short(xMax)}${unit}`;
  ctx.fillText(xMaxLabel, w - pad.right - ctx.measureText(xMaxLabel).width, h - 5);

  const ended = [];
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.fillStyle = s.color;
    ctx.lineWidth = s.width || 1.5;
    ctx.setLineDash(s.dash || []);
    ctx.beginPath();
    let pen = false, count = 0, last = null;
    for (const [x, y] of s.points) {
      if (!usable(y)) { pen = false; continue; }
      const X = px(x), Y = py(log ? Math.log10(y) : y);
      if (pen) ctx.lineTo(X, Y); else ctx.moveTo(X, Y);
      pen = true;
      count++;
      last = [x, X, Y];
    }
    ctx.stroke();
    ctx.setLineDash([]);
    if (options.markers || count <= 3) {
      for (const [x, y] of s.points) {
        if (!usable(y)) continue;
        ctx.beginPath();
        ctx.arc(px(x), py(log ? Math.log10(y) : y), 2.5, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
    if (last && last[0] < lastX) {
      ended.push(s.label || '');
      const [, X, Y] = last; // the series stops here (its later values are not finite): it diverged
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.moveTo(X - 4, Y - 4); ctx.lineTo(X + 4, Y + 4); ctx.moveTo(X + 4, Y - 4); ctx.lineTo(X - 4, Y + 4);
      ctx.stroke();
    }
  }
  ctx.lineWidth = 1;

  for (const { s, x, row } of legend) {
    const y = legendTop + 10 + row * 12;
    ctx.fillStyle = s.color;
    ctx.fillRect(x, y - 5, 10, 3);
    ctx.fillStyle = '#333';
    ctx.fillText(s.label, x + 14, y);
  }
  return { ended };
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
