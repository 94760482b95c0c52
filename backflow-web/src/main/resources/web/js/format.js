// How numbers read on the page. Values come from the server as numbers, or as the strings "NaN" and
// "Infinity" where the engine produced them; both print as they are.

export function fixed(v, decimals = 4) {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return String(v);
  const s = v.toFixed(decimals);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s; // no "-0.0000"
}

// A compact form for axes and small labels: 3 significant digits, exponent notation when tiny or huge.
export function short(v) {
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(1);
  return String(Number(v.toPrecision(3)));
}

export function percent(v) {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'string') return v;
  return `${(v * 100).toFixed(1)}%`;
}

// Parenthesised when negative, as a factor in a printed product: 0.5 · (-0.4995).
export function factor(v, decimals = 4) {
  const s = fixed(v, decimals);
  return s.startsWith('-') ? `(${s})` : s;
}
