// Colour scales: orange for negative (class 0), white at the midpoint, blue for positive (class 1), as in
// TensorFlow Playground, so a reader of either recognises the other.

const NEGATIVE = [245, 147, 34];
const MIDDLE = [232, 234, 235];
const POSITIVE = [8, 119, 189];

// t in [-1, 1] -> [r, g, b]
export function diverging(t) {
  const c = Math.max(-1, Math.min(1, Number.isFinite(t) ? t : 0));
  const end = c < 0 ? NEGATIVE : POSITIVE;
  const k = Math.abs(c);
  return [0, 1, 2].map((i) => Math.round(MIDDLE[i] + (end[i] - MIDDLE[i]) * k));
}

export function css(rgb) {
  return `rgb(${rgb[0]},${rgb[1]},${rgb[2]})`;
}

export const WEIGHT_POSITIVE = 'rgb(8,119,189)';
export const WEIGHT_NEGATIVE = 'rgb(245,147,34)';
export const GRADIENT = 'rgb(200,30,70)';
