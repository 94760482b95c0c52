import { diverging } from './colors.js';

// Paints a heatmap the server computed into a canvas whose backing store is one pixel per grid cell; CSS
// scales it up smoothly. `center` is the value drawn white and `scale` the distance drawn at full colour.
export function paintHeatmap(canvas, heatmap, center, scale) {
  if (canvas.width !== heatmap.cols || canvas.height !== heatmap.rows) {
    canvas.width = heatmap.cols;
    canvas.height = heatmap.rows;
  }
  const ctx = canvas.getContext('2d');
  const image = ctx.createImageData(heatmap.cols, heatmap.rows);
  const s = scale > 0 ? scale : 1;
  for (let i = 0; i < heatmap.values.length; i++) {
    const v = heatmap.values[i];
    const rgb = diverging(typeof v === 'number' ? (v - center) / s : 0);
    image.data[4 * i] = rgb[0];
    image.data[4 * i + 1] = rgb[1];
    image.data[4 * i + 2] = rgb[2];
    image.data[4 * i + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
}

// The white point and full-colour distance for a neuron's activation: bounded activations use their
// range; ReLUs, which are unbounded, scale to the largest value present.
export function activationScale(activation, values) {
  if (activation === 'sigmoid') return { center: 0.5, scale: 0.5 };
  if (activation === 'tanh') return { center: 0, scale: 1 };
  let max = 0;
  for (const v of values) if (typeof v === 'number' && Math.abs(v) > max) max = Math.abs(v);
  return { center: 0, scale: max || 1 };
}
