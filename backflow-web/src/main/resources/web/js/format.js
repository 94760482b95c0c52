// How numbers read on the page. Values come from the server as numbers, or as the strings "NaN" and
// "Infinity" where the engine produced them; both print as they are.

// Four decimals where they say enough. A value too small for them keeps three significant digits
// (0.00512, then 4.51e-5), so a small gradient never reads 0.0000 and listed terms still add up to their sum.
export function fixed(v, decimals = 4) {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (decimals >= 4 && a > 0 && a < 0.01) {
    if (a < 1e-4) return v.toExponential(2);
    return String(Number(v.toPrecision(3)));
  }
  const s = v.toFixed(decimals);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s; // no "-0.0000"
}

// A value before and after an update, with as many decimals (4 to 8) as it takes to show that it moved.
export function moved(before, after, decimals = 4) {
  if (typeof before !== 'number' || typeof after !== 'number' || !Number.isFinite(before) || !Number.isFinite(after)) {
    return [fixed(before, decimals), fixed(after, decimals)];
  }
  let d = decimals;
  while (d < 8 && before !== after && before.toFixed(d) === after.toFixed(d)) d++;
  const plain = (v) => { const s = v.toFixed(d); return /^-0\.?0*$/.test(s) ? s.slice(1) : s; };
  return [plain(before), plain(after)];
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
